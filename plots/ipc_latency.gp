# ipc_latency.gp DATA OUT - ping-pong round trip of 8 bytes by transport: threads blue,
# processes red; dark on one PU (two context switches), middle on two cores, light
# unpinned. DATA columns: transport thread_same thread_diff thread_none process_same
# process_diff process_none (µs; NaN where not run).
load 'plots/style.gp'
data = ARG1
set terminal pngcairo noenhanced size 1400,720 font "sans,14"
set output ARG2.'.png'
set title "Ping-pong of 8 bytes: one round trip (median)"
set ylabel "µs per round trip (log scale)"
set logscale y
set format y "%g"
set style data histogram
set style histogram cluster gap 1.2
set style fill solid border -1
set boxwidth 0.9
set key outside right top font ",12"
set xtics nomirror rotate by -25
plot data using 2:xtic(1) lc rgb thread_rgb fs solid 1.0 title "threads, one PU", \
     '' using 3 lc rgb thread_rgb fs solid 0.6 title "threads, two cores", \
     '' using 4 lc rgb thread_rgb fs solid 0.25 title "threads, unpinned", \
     '' using 5 lc rgb process_rgb fs solid 1.0 title "processes, one PU", \
     '' using 6 lc rgb process_rgb fs solid 0.6 title "processes, two cores", \
     '' using 7 lc rgb process_rgb fs solid 0.25 title "processes, unpinned"
set output
set terminal svg noenhanced size 1400,720 dynamic font "sans,14"
set output ARG2.'.svg'
replot
