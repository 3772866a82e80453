# footprint.gp DATA OUT - memory per idle worker, user (dark) and kernel (light) stacked,
# thread blue and process red, for each worker count.
# DATA columns: x label mode user_kib kernel_kib group (the group's name on its middle
# bar, "" elsewhere: drawn on the top axis)
load 'plots/style.gp'
data = ARG1
eval render_png
set output ARG2.'.png'
set title "Memory one idle worker costs (per worker, N workers alive at once)"
set ylabel "KiB per worker"
set yrange [0:*]
set xtics rotate by -45 nomirror font ",12"
set x2tics nomirror scale 0 font ",14"
set style fill solid 0.9 border -1
set boxwidth 0.8
set key inside top right
plot data using 1:($4+$5):(mode_rgb($3)):xtic(2):x2tic(6) with boxes fs solid 0.35 lc rgb variable notitle, \
     data using 1:4:(mode_rgb($3)) with boxes lc rgb variable notitle, \
     NaN with boxes fs solid 0.9 lc rgb thread_rgb title "thread", \
     NaN with boxes fs solid 0.9 lc rgb process_rgb title "process", \
     NaN with boxes fs solid 0.9 lc rgb "#777777" title "user: private (dark)", \
     NaN with boxes fs solid 0.35 lc rgb "#777777" title "kernel: stack, page tables, slab (light)"
set output
eval render_svg; set output ARG2.'.svg'; replot
