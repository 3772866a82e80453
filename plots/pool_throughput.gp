# pool_throughput.gp DATA OUT POOLS - tasks per second against task length, one worker
# per PU: pools and a worker per task, threads blue and processes red, each with the
# interval of its median as an error bar. Two panels on one y axis: empty tasks (0 ns),
# which a log axis cannot place, on their own at the left; 1 µs and longer, log-log, at
# the right. DATA: one block per series (title on its first line); columns task_ns
# median low high mode. POOLS: how many series, from the first, are pools (drawn solid;
# per-task ones dashed). On the log axis each series is drawn a few per cent to the side
# of its task length, so that series with equal rates stand next to each other.
# Words: the report defines them in its language (scripts/report/pool.py): L_TITLE,
# L_YLABEL, L_EMPTY (the empty task's tick), L_XLABEL0 and L_XLABEL (the two panels'
# x labels); FONT (style.gp). Run alone, the script says them in English.
load 'plots/style.gp'
if (!exists("L_TITLE")) L_TITLE = "Tasks per second by task length, one worker per PU (median; bars: its interval)"
if (!exists("L_YLABEL")) L_YLABEL = "tasks per second (log scale)"
if (!exists("L_EMPTY")) L_EMPTY = "0 ns (empty)"
if (!exists("L_XLABEL0")) L_XLABEL0 = "task length"
if (!exists("L_XLABEL")) L_XLABEL = "task length (busy CPU time; log scale)"
data = ARG1
pools = int(ARG3)
stats data using 3 nooutput
ylo = STATS_min / 1.6
n = STATS_blocks
stats data using 4 nooutput
yhi = STATS_max * 1.6
# A multiplot cannot be replotted: draw it once per terminal.
do for [term in "png svg"] {
    if (term eq "png") { eval render_png } else { eval render_svg }
    set output ARG2.'.'.term
    set multiplot title L_TITLE
    set logscale y
    unset logscale x
    set yrange [ylo:yhi]
    set format y "%.0s%c"
    set ylabel L_YLABEL
    set bmargin 4
    set tmargin 3

    # Left: the empty task, one column per series in legend order.
    set lmargin at screen 0.09
    set rmargin at screen 0.24
    set xrange [-0.8:n - 0.2]
    empty_at = (n - 1) / 2.0
    set xtics (L_EMPTY empty_at)
    set xlabel L_XLABEL0
    unset key
    plot for [i=0:n-1] data index i using ($1 == 0 ? i : NaN):2:3:4:(mode_rgb($5)) \
         with yerrorbars lc rgb variable lw 2 pt (i + 4) ps 1.8 title columnheader(1)

    # Right: 1 µs and longer, log-log.
    set lmargin at screen 0.27
    set rmargin at screen 0.70
    set logscale x
    set xrange [600:1.6e6]
    set xtics ("1 µs" 1000, "10 µs" 10000, "100 µs" 100000, "1 ms" 1000000)
    set xlabel L_XLABEL
    unset ylabel
    set format y ""
    set key at screen 0.985, screen 0.85 right top
    dodge(i) = 1.08 ** (i - (n - 1) / 2.0)
    plot for [i=0:n-1] data index i using ($1 > 0 ? $1 * dodge(i) : NaN):2:3:4:(mode_rgb($5)) \
         with yerrorlines lc rgb variable lw 2.5 pt (i + 4) ps 1.5 dashtype 1 + (i >= pools) \
         title columnheader(1)
    unset multiplot
    set output
}
