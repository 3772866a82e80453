# ipc_spin.gp DATA OUT MODES LIMIT WHAT EACH_WAY TICS - the rings' ping-pong against the bound on
# polling before sleeping, the pair on two cores: left the round trip (median and its
# interval) with the cache-line probe's round trip dashed, right the CPU time both
# sides burn per round trip. Threads blue, processes red (style.gp); a pair by its point
# type. Points only, no lines between them: the bounds are categories, and a line would
# invite reading off a bound the run did not measure. Each pair a little to the side of
# its bound, so that equal round trips stand next to each other.
# DATA: a header line (each pair's title, then "lo hi cpu"), then a row per bound: its
# quoted label, and per pair median lo hi (µs per round trip) and CPU µs per round trip.
# MODES: per pair, 0 thread or 1 process.
# LIMIT: the probe's median round trip in µs (NaN: none). WHAT: what the left panel's
# numbers are ("median single round trip" or "round trip"). EACH_WAY: the round trip of
# the probe with a line for each direction, in µs (NaN: none), dotted. TICS: the bounds'
# tick labels at 0, 1, ... as set xtics wants them ('"0 µs" 0, "1 µs" 1').
# Words: the report defines them in its language (scripts/report/ipc.py): L_TITLE,
# L_XLABEL, L_LEFT and L_YLABEL (the left panel), L_PROBE (the printf format of the
# probe's key entry, "%.2g µs"), L_EACH_WAY (the second probe's), L_RIGHT and L_CPU (the
# right panel); FONT (style.gp).
# Run alone, the script says them in English.
load 'plots/style.gp'
if (!exists("L_TITLE")) L_TITLE = "Ping-pong of 8 bytes through a ring that polls before it sleeps, the pair on two cores"
if (!exists("L_XLABEL")) L_XLABEL = "bound on polling before sleeping"
if (!exists("L_LEFT")) L_LEFT = ARG5.", the median over repetitions and its interval"
if (!exists("L_YLABEL")) L_YLABEL = "µs per round trip (log scale)"
if (!exists("L_PROBE")) L_PROBE = "cache-line probe, %.2g µs"
if (!exists("L_EACH_WAY")) L_EACH_WAY = "probe with a line each way, %.2g µs"
if (!exists("L_RIGHT")) L_RIGHT = "CPU time of both sides per round trip (median)"
if (!exists("L_CPU")) L_CPU = "CPU µs per round trip (log scale)"
data = ARG1
modes = ARG3
limit = ARG4 + 0
each_way = ARG6 + 0
dodge(i) = (i - (words(modes) + 1) / 2.0) * 0.07
probe_line(x) = (limit == limit) ? limit : 1/0
each_way_line(x) = (each_way == each_way) ? each_way : 1/0
# Room under the floors, so that they and the intervals above them stand clear of the axis.
floor = (limit == limit) ? limit : 1
floor = (each_way == each_way && each_way < floor) ? each_way : floor
n = words(modes)
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size 1800,860 font FONT.",17"
    } else {
        set terminal svg noenhanced size 1800,860 dynamic font FONT.",17"
    }
    set output ARG2.'.'.format
    set multiplot layout 1,2 margins 0.07, 0.98, 0.24, 0.85 spacing 0.08 title L_TITLE font ",18"
    set logscale y
    set format y "%g"
    eval "set xtics (".ARG7.")"
    set xrange [-0.4:*]
    set autoscale xfixmax
    set offsets 0, 0.4, 0, 0
    set xlabel L_XLABEL
    set key at screen 0.5, screen 0.005 center bottom vertical maxrows 3 font ",14" spacing 1.1 width 2
    set title L_LEFT
    set ylabel L_YLABEL
    set yrange [floor / 3:*]
    plot for [i=1:n] data using ($0 + dodge(i)):(column(4 * i - 2)):(column(4 * i - 1)):(column(4 * i)) \
             with yerrorbars lc rgb mode_rgb(int(word(modes, i))) \
             lw 2.5 pt (4 + i) ps 2 title columnheader(4 * i - 2), \
         probe_line(x) with lines lc rgb "black" dt 2 lw 2 \
             title sprintf(L_PROBE, limit), \
         each_way_line(x) with lines lc rgb "black" dt 3 lw 3 \
             title (each_way == each_way ? sprintf(L_EACH_WAY, each_way) : "")
    unset key
    set autoscale y
    set title L_RIGHT
    set ylabel L_CPU
    plot for [i=1:n] data using ($0 + dodge(i)):(column(4 * i + 1)) \
             with points lc rgb mode_rgb(int(word(modes, i))) \
             lw 2.5 pt (4 + i) ps 2 title columnheader(4 * i - 2)
    unset multiplot
    set output
}
