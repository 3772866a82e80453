# ipc_spin.gp DATA OUT MODES RINGS LIMIT WHAT - the rings' ping-pong against the bound on
# polling before sleeping, the pair on two cores: left the round trip (median and its
# interval) with the cache-line probe's round trip as the floor, right the CPU time both
# sides burn per round trip. Threads blue, processes red (style.gp); a ring by its line
# style, a pair by its point type.
# DATA: a header line (each pair's title, then "lo hi cpu"), then a row per bound: its
# quoted label, and per pair median lo hi (µs per round trip) and CPU µs per round trip.
# MODES: per pair, 0 thread or 1 process; RINGS: per pair, the ring's rank (0, 1, ...).
# LIMIT: the probe's median round trip in µs (NaN: none). WHAT: what the left panel's
# numbers are ("median single round trip" or "round trip").
load 'plots/style.gp'
data = ARG1
modes = ARG3
rings = ARG4
limit = ARG5 + 0
ring_dt(i) = int(word(rings, i)) * 2 + 1
probe_line(x) = (limit == limit) ? limit : 1/0
n = words(modes)
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size 1800,860 font "sans,17"
    } else {
        set terminal svg noenhanced size 1800,860 dynamic font "sans,17"
    }
    set output ARG2.'.'.format
    set multiplot layout 1,2 margins 0.07, 0.98, 0.24, 0.88 spacing 0.08 title "Ping-pong of 8 bytes through a ring that polls before it sleeps, the pair on two cores" font ",18"
    set logscale y
    set format y "%g"
    set xrange [-0.3:*]
    set offsets 0, 0.3, 0, 0
    set xlabel "bound on polling before sleeping"
    set key at screen 0.5, screen 0.005 center bottom horizontal maxcols 3 font ",14" spacing 1.1 width 1
    set title ARG6.", the median over repetitions and its interval"
    set ylabel "µs per round trip (log scale)"
    plot for [i=1:n] data using 0:(column(4 * i - 2)):(column(4 * i - 1)):(column(4 * i)):xtic(1) \
             with yerrorlines lc rgb mode_rgb(int(word(modes, i))) dt ring_dt(i) \
             lw 2.5 pt (4 + i) ps 1.8 title columnheader(4 * i - 2), \
         probe_line(x) with lines lc rgb "black" dt 2 lw 2 \
             title sprintf("cache-line probe, %.2g µs", limit)
    unset key
    set title "CPU time of both sides per round trip (median)"
    set ylabel "CPU µs per round trip (log scale)"
    plot for [i=1:n] data using 0:(column(4 * i + 1)):xtic(1) \
             with linespoints lc rgb mode_rgb(int(word(modes, i))) dt ring_dt(i) \
             lw 2.5 pt (4 + i) ps 1.8 title columnheader(4 * i - 2)
    unset multiplot
    set output
}
