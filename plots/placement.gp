# placement.gp DATA OUT - what pinning changes: operations per second with one worker per
# PU, pinned compact or scatter, relative to unpinned, threads blue and processes red.
# DATA columns: workload thread_compact thread_scatter process_compact process_scatter
load 'plots/style.gp'
data = ARG1
eval render_png
set output ARG2.'.png'
set title "Placement with one worker per PU: pinned against unpinned (1 = no change)"
set ylabel "operations per second / unpinned"
set style data histogram
set style histogram cluster gap 1.5
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set key outside right top
set xtics nomirror rotate by -25 font ",13"
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "black" dt 2
plot data using 2:xtic(1) lc rgb thread_rgb title "threads, compact", \
     '' using 3 lc rgb thread_rgb fs pattern 4 title "threads, scatter", \
     '' using 4 lc rgb process_rgb title "processes, compact", \
     '' using 5 lc rgb process_rgb fs pattern 4 title "processes, scatter"
set output
eval render_svg; set output ARG2.'.svg'; replot
