# scale.gp PREFIX OUT WORKLOADS MODES - operations per second against the number of
# workers, one panel per workload: a line per worker kind, threads blue and processes red,
# each with its linear line (N times its own one-worker rate, dotted).
# PREFIX.WORKLOAD.dat: a header line with each series' title, then columns N, then
# median lo hi for each kind, then the linear rate for each kind. MODES: per kind, 0 thread
# or 1 process, in the file's order.
load 'plots/style.gp'
prefix = ARG1
workloads = ARG3
modes = (ARGC >= 4) ? ARG4 : "0 1"
n = words(workloads)
k = words(modes)
mode_of(j) = int(word(modes, j))
# A second kind of the same mode is drawn with another point and dashes.
rank(j) = sum [i=1:j-1] (mode_of(i) == mode_of(j) ? 1 : 0)
set datafile columnheaders
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
        plot for [j=1:k] f using 1:(column(3 * j - 1)):(column(3 * j)):(column(3 * j + 1)) \
                 with yerrorlines lc rgb mode_rgb(mode_of(j)) lw 2 \
                 pt (mode_of(j) ? 5 : 7) + 2 * rank(j) dt 1 + rank(j) title columnheader(3 * j - 1), \
             for [j=1:k] f using 1:(column(3 * k + 1 + j)) with lines \
                 lc rgb mode_rgb(mode_of(j)) dt 3 lw 1.5 notitle
        unset key
    }
    unset multiplot
    set output
}
