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
# Big numbers on an axis as the report's language writes them: divide by big_base(m) and
# write "%g".big_word(m) (600000: "600k" in English, "60万" in Chinese; never 600.0k or
# 1e+06). M: the largest (or, on a log axis, the smallest) value the axis shows. L_BIG:
# pairs of a base (digits: gnuplot reads no "1e3" from a string) and its word, smallest
# first (kit.BIG_NUMBERS).
if (!exists("L_BIG")) L_BIG = "1000 k 1000000 M 1000000000 G"
big_at(m, i) = (words(L_BIG) >= 2 * i && m >= real(word(L_BIG, 2 * i - 1))) ? i : 0
big_rank(m) = big_at(m, 3) ? 3 : big_at(m, 2) ? 2 : big_at(m, 1) ? 1 : 0
big_base(m) = big_rank(m) ? real(word(L_BIG, 2 * big_rank(m) - 1)) : 1
big_word(m) = big_rank(m) ? word(L_BIG, 2 * big_rank(m)) : ""
