# create_methods.gp DATA OUT - creation cost by method: round trip and start latency,
# median with its 95% interval, one pair of bars per worker kind.
# DATA columns: label mode(0 thread, 1 process) rt_med rt_lo rt_hi st_med st_lo st_hi
load 'plots/style.gp'
data = ARG1
eval render_png
set output ARG2.'.png'
set title "Creating a worker: cost by method (median, 95% interval)"
set ylabel "time per worker (µs, log scale)"
set logscale y
set format y "%g"
set xtics rotate by -30 nomirror
set style fill solid 0.9 border -1
set boxwidth 0.38
set key outside right top
stats data using 3 nooutput
set xrange [-0.6:STATS_records - 0.4]
plot data using ($0-0.2):3:(mode_rgb($2)):xtic(1) with boxes lc rgb variable notitle, \
     data using ($0+0.2):6:(mode_rgb($2)) with boxes fs solid 0.35 lc rgb variable notitle, \
     data using ($0-0.2):3:4:5 with yerrorbars lc rgb "black" pt 0 notitle, \
     data using ($0+0.2):6:7:8 with yerrorbars lc rgb "black" pt 0 notitle, \
     NaN with boxes fs solid 0.9 lc rgb thread_rgb title "thread", \
     NaN with boxes fs solid 0.9 lc rgb process_rgb title "process", \
     NaN with boxes fs solid 0.9 lc rgb "#777777" title "round trip (dark)", \
     NaN with boxes fs solid 0.35 lc rgb "#777777" title "start latency (light)"
set output
eval render_svg; set output ARG2.'.svg'; replot
