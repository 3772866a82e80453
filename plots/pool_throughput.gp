# pool_throughput.gp DATA OUT - tasks per second against task length (log-log), one
# worker per PU: pools and a worker per task, threads blue and processes red.
# DATA: one block per series (title on its first line); columns task_ns tasks_per_s mode.
# ARG3: how many series, from the first, are pools (drawn solid; per-task ones dashed).
load 'plots/style.gp'
data = ARG1
pools = int(ARG3)
eval render_png
set output ARG2.'.png'
stats data using 1 nooutput
set title "Tasks per second by task length, one worker per PU (median)"
set xlabel "task length (busy CPU time; log scale)"
set ylabel "tasks per second (log scale)"
set logscale xy
set xrange [0.5:2e6]
set xtics ("0" 0.7, "1 µs" 1000, "10 µs" 10000, "100 µs" 100000, "1 ms" 1000000)
set format y "%.0s%c"
set key outside right top
plot for [i=0:STATS_blocks-1] data index i using ($1 > 0 ? $1 : 0.7):2:(mode_rgb($3)) \
     with linespoints lc rgb variable lw 2.5 pt (i + 4) ps 1.5 dashtype 1 + (i >= pools) \
     title columnheader(1)
set output
eval render_svg; set output ARG2.'.svg'; replot
