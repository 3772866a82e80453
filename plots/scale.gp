# scale.gp PREFIX OUT WORKLOADS - operations per second against the number of workers,
# one panel per workload: threads blue, processes red, each with its linear line (N times
# its own one-worker rate, dotted). PREFIX.WORKLOAD.dat columns: N thread_med thread_lo
# thread_hi process_med process_lo process_hi thread_linear process_linear.
load 'plots/style.gp'
prefix = ARG1
workloads = ARG3
n = words(workloads)
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size 1500,900 font "sans,13"
    } else {
        set terminal svg noenhanced size 1500,900 dynamic font "sans,13"
    }
    set output ARG2.'.'.format
    set multiplot layout 2,(n + 1) / 2 title \
        "N workers doing the same work at once (median, 95% interval; dotted: N x one worker)"
    set xlabel "workers"
    set ylabel "operations per second"
    set format y "%.1s%c"
    set yrange [0:*]
    set key top left font ",11"
    do for [i=1:n] {
        w = word(workloads, i)
        f = prefix.'.'.w.'.dat'
        set title w
        stats f using 1 nooutput
        set xrange [0:STATS_max + 0.5]
        set xtics 1
        if (STATS_max > 8) { set xtics 2 }
        if (STATS_max > 32) { set xtics 8 }
        plot f using 1:2:3:4 with yerrorlines lc rgb thread_rgb lw 2 pt 7 title "threads", \
             f using 1:5:6:7 with yerrorlines lc rgb process_rgb lw 2 pt 5 title "processes", \
             f using 1:8 with lines lc rgb thread_rgb dt 3 lw 1.5 notitle, \
             f using 1:9 with lines lc rgb process_rgb dt 3 lw 1.5 notitle
        unset key
    }
    unset multiplot
    set output
}
