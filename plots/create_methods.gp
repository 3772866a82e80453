# create_methods.gp DATA OUT YMIN YMAX - creation cost by method: the round trip from
# each parent, median with its interval, one pair of bars per worker kind.
# DATA columns: label mode(0 thread, 1 process), then for tvp-bench and for the minimal
# parent: med lo hi (µs; NaN where that parent did not run the kind).
# YMIN, YMAX: the y range, fitted to the data by the report (a log axis that ran a decade
# past the largest bar squashed the bars).
# Words: the report defines them in its language (scripts/report/create.py, through the
# catalogue): L_TITLE (with the intervals' real coverage), L_YLABEL, and the legend's
# L_THREAD, L_PROCESS, L_FAT (tvp-bench's bars) and L_MINIMAL (the minimal parent's);
# FONT, when the language needs one (style.gp).
load 'plots/style.gp'
data = ARG1
eval render_png
set output ARG2.'.png'
set title L_TITLE
set ylabel L_YLABEL
set logscale y
set yrange [ARG3+0:ARG4+0]
set format y "%g"
# Ticks at 1, 2 and 5 of each decade: the fitted range may hold less than one decade.
# Only these: "set ytics 10" on a log axis would count decades from the range's start.
set ytics (1)
do for [e = -1:6] { set ytics add (10.0**e, 2 * 10.0**e, 5 * 10.0**e) }
set xtics rotate by -30 nomirror
set style fill solid 0.9 border -1
set boxwidth 0.38
set key outside top center horizontal maxrows 1 font ",13"
stats data using 3 nooutput
set xrange [-0.6:STATS_records - 0.4]
plot data using ($0-0.2):3:(mode_rgb($2)):xtic(1) with boxes lc rgb variable notitle, \
     data using ($0+0.2):6:(mode_rgb($2)) with boxes fs solid 0.35 lc rgb variable notitle, \
     data using ($0-0.2):3:4:5 with yerrorbars lc rgb "black" pt 0 notitle, \
     data using ($0+0.2):6:7:8 with yerrorbars lc rgb "black" pt 0 notitle, \
     NaN with boxes fs solid 0.9 lc rgb thread_rgb title L_THREAD, \
     NaN with boxes fs solid 0.9 lc rgb process_rgb title L_PROCESS, \
     NaN with boxes fs solid 0.9 lc rgb "#777777" title L_FAT, \
     NaN with boxes fs solid 0.35 lc rgb "#777777" title L_MINIMAL
set output
eval render_svg; set output ARG2.'.svg'; replot
