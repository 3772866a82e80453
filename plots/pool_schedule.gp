# pool_schedule.gp DATA OUT - the notes' Pool(3) as a timeline: which worker ran which
# task when, for a process pool and a thread pool. DATA columns: row task start_ms end_ms
# mode label (row: the worker's line on the chart).
load 'plots/style.gp'
data = ARG1
eval render_png
set output ARG2.'.png'
stats data using 4 nooutput
set title "The notes' Pool(3): 10 tasks sleeping 0-30 ms on 3 workers"
set xlabel "time since the first submit (ms)"
set xrange [0:STATS_max * 1.05]
set yrange [-0.8:7.6]
set ytics ("process pool, worker 0" 0, "worker 1" 1, "worker 2" 2, \
           "thread pool, worker 0" 4, "worker 1" 5, "worker 2" 6)
set style fill solid 0.75 border -1
unset key
plot data using (($3 + $4) / 2):1:3:4:($1 - 0.38):($1 + 0.38):(mode_rgb($5)) \
         with boxxyerror lc rgb variable, \
     data using (($3 + $4) / 2):1:(sprintf("task %d", $2)) with labels font ",12" tc rgb "white"
set output
eval render_svg; set output ARG2.'.svg'; replot
