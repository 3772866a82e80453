# pool_schedule.gp DATA OUT YTICS - the notes' Pool(3) as a timeline: which worker ran which
# task when, one group of lines per pool. DATA columns: row task start_ms end_ms mode (row:
# the worker's line on the chart). YTICS: the command that names every worker's line, as
# set ytics ("process pool, worker 0" 0, "worker 1" 1, ...): a worker that ran no task
# still gets its line.
load 'plots/style.gp'
data = ARG1
eval render_png
set output ARG2.'.png'
stats data using 4 nooutput
set title "The notes' Pool(3): 10 tasks sleeping 0-30 ms on 3 workers"
set xlabel "time since the first submit (ms)"
set xrange [0:STATS_max * 1.05]
stats data using 1 nooutput
set yrange [-0.8:STATS_max + 1.6]
if (ARGC >= 3) { eval ARG3 }
set style fill solid 0.75 border -1
unset key
plot data using (($3 + $4) / 2):1:3:4:($1 - 0.38):($1 + 0.38):(mode_rgb($5)) \
         with boxxyerror lc rgb variable, \
     data using (($3 + $4) / 2):1:(sprintf("task %d", $2)) with labels font ",12" tc rgb "white"
set output
eval render_svg; set output ARG2.'.svg'; replot
