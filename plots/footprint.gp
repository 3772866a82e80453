# footprint.gp DATA OUT NS - memory per idle worker, a panel per number of
# workers alive (NS, the panels' N in the order of DATA's blocks), each on its own
# scale: the cost of one worker alone and of a thousand differ by more than one axis
# shows well, and C1 is read at the largest N. User (dark) and kernel (light) stacked,
# thread blue and process red, a bar per kind and parent, the whisker the interval of
# the total.
# DATA blocks, one per N, columns: x label mode user_kib kernel_kib total_lo total_hi
# group (the parent's name on its middle bar, "" elsewhere) below_resolution (1: the
# kernel part is below what its source resolves: left out, and marked) clean_kib (the
# part of user that is clean file pages only that process maps: hatched at its top).
# Words: the report defines them in its language (scripts/report/footprint.py, through
# the catalogue): L_TITLE (with the interval's real coverage), L_YLABEL, the legend's
# L_THREAD, L_PROCESS, L_USER, L_CLEAN and L_KERNEL, and a bar's two-line mark L_BELOW
# over L_RESOLUTION; FONT, when the language needs one (style.gp).
load 'plots/style.gp'
data = ARG1
ns = ARG3
npanels = words(ns)
rows = (npanels > 2) ? 2 : 1
cols = (npanels + rows - 1) / rows
head = L_TITLE
below_mark = L_BELOW."\n".L_RESOLUTION
set style fill solid 0.9 border -1
set boxwidth 0.8
# The panels' axes, set again for each format: the legend's plot unsets them.
panel_axes = 'set border lw 1.2; set grid ytics mytics lc rgb "#dddddd" lw 1; ' . \
    'set xtics rotate by -35 nomirror font ",12"; set x2tics nomirror scale 0 font ",13"; ' . \
    'set link x2; set ytics nomirror; set yrange [0:*]; set offsets 0, 0, graph 0.15, 0'
# The panels' places on the page, in screen coordinates: a band under the title is left
# for the legend, one row across the whole figure, where it hides no bar (inside a panel
# it covered the tallest one), and room between the rows for the upper row's rotated
# names and the lower row's titles.
p_left = 0.07; p_right = 0.955; p_bottom = 0.11; p_top = 0.78
p_hgap = 0.08; p_vgap = 0.22
p_w = (p_right - p_left - (cols - 1) * p_hgap) / cols
p_h = (p_top - p_bottom - (rows - 1) * p_vgap) / rows
do for [t = 1:2] {
    if (t == 1) {
        set terminal pngcairo noenhanced size 1600,900 font FONT.",14"
        set output ARG2.'.png'
    } else {
        set terminal svg noenhanced size 1600,900 dynamic font FONT.",14"
        set output ARG2.'.svg'
    }
    set multiplot title head
    eval panel_axes
    unset key
    do for [i = 0:npanels - 1] {
        x0 = p_left + (i % cols) * (p_w + p_hgap)
        y1 = p_top - (i / cols) * (p_h + p_vgap)
        set lmargin at screen x0
        set rmargin at screen x0 + p_w
        set tmargin at screen y1
        set bmargin at screen y1 - p_h
        stats data index i using 1 nooutput
        set xrange [STATS_min - 0.7:STATS_max + 0.7]
        set title sprintf("N = %s", word(ns, i + 1))
        set ylabel (i % cols == 0) ? L_YLABEL : ""
        plot data index i using 1:($4+$5):(mode_rgb($3)):xtic(2):x2tic(8) with boxes fs solid 0.35 lc rgb variable notitle, \
             data index i using 1:4:(mode_rgb($3)) with boxes lc rgb variable notitle, \
             data index i using 1:($4-$10/2):(0.4):($10/2) with boxxyerror fs pattern 4 transparent lc rgb "white" notitle, \
             data index i using 1:($4+$5):6:7 with yerrorbars lc rgb "black" pt 0 notitle, \
             data index i using 1:($9 > 0 ? $4 : NaN):(below_mark) with labels offset 0,1.6 font ",11" notitle
    }
    # The legend alone, in a plot as wide as the page with nothing else drawn.
    set lmargin at screen 0.02
    set rmargin at screen 0.98
    set tmargin at screen 0.94
    set bmargin at screen 0.91
    unset border; unset xtics; unset x2tics; unset ytics; unset grid; unset link x2
    unset title; unset ylabel; set offsets 0, 0, 0, 0
    set xrange [0:1]; set yrange [0:1]
    set key at screen 0.5, screen 0.925 center center horizontal maxcols 5 font ",13" \
        samplen 2 width -1 nobox
    plot NaN with boxes fs solid 0.9 lc rgb thread_rgb title L_THREAD, \
         NaN with boxes fs solid 0.9 lc rgb process_rgb title L_PROCESS, \
         NaN with boxes fs solid 0.9 lc rgb "#777777" title L_USER, \
         NaN with boxes fs pattern 4 lc rgb "#777777" title L_CLEAN, \
         NaN with boxes fs solid 0.35 lc rgb "#777777" title L_KERNEL
    unset multiplot
    set output
}
