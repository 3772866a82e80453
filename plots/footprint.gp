# footprint.gp DATA OUT NS COVERAGE - memory per idle worker, a panel per number of
# workers alive (NS, the panels' N in the order of DATA's blocks), each on its own
# scale: the cost of one worker alone and of a thousand differ by more than one axis
# shows well, and C1 is read at the largest N. User (dark) and kernel (light) stacked,
# thread blue and process red, a bar per kind and parent, the whisker the interval of
# the total (COVERAGE: its real coverage).
# DATA blocks, one per N, columns: x label mode user_kib kernel_kib total_lo total_hi
# group (the parent's name on its middle bar, "" elsewhere) below_resolution (1: the
# kernel part is below what its source resolves: left out, and marked) clean_kib (the
# part of user that is clean file pages only that process maps: hatched at its top).
load 'plots/style.gp'
data = ARG1
ns = ARG3
npanels = words(ns)
rows = (npanels > 2) ? 2 : 1
cols = (npanels + rows - 1) / rows
head = sprintf("Memory one idle worker costs, per worker, N alive at once (median, %s interval; each panel its own scale)", ARG4)
set style fill solid 0.9 border -1
set boxwidth 0.8
set xtics rotate by -35 nomirror font ",12"
set x2tics nomirror scale 0 font ",13"
set link x2
set ytics nomirror
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
do for [t = 1:2] {
    if (t == 1) {
        set terminal pngcairo noenhanced size 1600,900 font "sans,14"
        set output ARG2.'.png'
    } else {
        set terminal svg noenhanced size 1600,900 dynamic font "sans,14"
        set output ARG2.'.svg'
    }
    set multiplot layout rows, cols title head
    do for [i = 0:npanels - 1] {
        stats data index i using 1 nooutput
        set xrange [STATS_min - 0.7:STATS_max + 0.7]
        set title sprintf("N = %s", word(ns, i + 1))
        set ylabel (i % cols == 0) ? "KiB per worker" : ""
        if (i == 0) { set key inside top right font ",11" } else { unset key }
        plot data index i using 1:($4+$5):(mode_rgb($3)):xtic(2):x2tic(8) with boxes fs solid 0.35 lc rgb variable notitle, \
             data index i using 1:4:(mode_rgb($3)) with boxes lc rgb variable notitle, \
             data index i using 1:($4-$10/2):(0.4):($10/2) with boxxyerror fs pattern 4 transparent lc rgb "white" notitle, \
             data index i using 1:($4+$5):6:7 with yerrorbars lc rgb "black" pt 0 notitle, \
             data index i using 1:($9 > 0 ? $4 : NaN):("below\nresolution") with labels offset 0,1.6 font ",11" notitle, \
             NaN with boxes fs solid 0.9 lc rgb thread_rgb title "thread", \
             NaN with boxes fs solid 0.9 lc rgb process_rgb title "process", \
             NaN with boxes fs solid 0.9 lc rgb "#777777" title "user: private (dark)", \
             NaN with boxes fs pattern 4 lc rgb "#777777" title "of it clean file pages (hatched)", \
             NaN with boxes fs solid 0.35 lc rgb "#777777" title "kernel (light)"
    }
    unset multiplot
    set output
}
