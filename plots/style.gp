# style.gp - what every tvp figure shares. Threads are always blue, processes always red.
thread_rgb = 0x1f77b4
process_rgb = 0xd62728
mode_rgb(m) = (m == 0) ? thread_rgb : process_rgb
set border lw 1.2
set grid ytics mytics lc rgb "#dddddd" lw 1
set key box opaque
# Each figure is drawn as PNG (for slides), then replotted as SVG (for papers).
# noenhanced: names like posix_spawn stay as written, with no subscript.
# FONT: the report defines it (kit.FONTS) for a language whose letters sans may lack,
# e.g. "Noto Sans CJK SC" for Chinese (fc-list :lang=zh lists what is installed).
if (!exists("FONT")) FONT = "sans"
set encoding utf8
render_png = 'set terminal pngcairo noenhanced size 1280,720 font "'.FONT.',15"'
render_svg = 'set terminal svg noenhanced size 1280,720 dynamic font "'.FONT.',15"'
