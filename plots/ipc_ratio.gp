# ipc_ratio.gp PREFIX OUT WHAT SERIES DEFS - what a message costs a pair of processes over
# what it costs a pair of threads, by message size, one line per transport in its colour
# of ipc_throughput.gp (a ring polling first dash-dotted), and a line at 1: equal cost.
# PREFIX.SERIES.dat: columns bytes ratio lo hi. WHAT: who against whom, and where.
# DEFS: gnuplot statements from the report that set title[i], rgb[i], pt[i], dt[i] per
# series, ymin, ymax, ytics_at (the ratios labelled), xmin, xmax (the smallest and
# largest size), and xtics_at (the measured sizes, labelled).
# Words: the report defines them in its language (scripts/report/ipc.py): L_TITLE,
# L_XLABEL, L_YLABEL, L_SLOWER and L_FASTER (the labels above and below 1); FONT
# (style.gp). Run alone, the script says them in English.
load 'plots/style.gp'
prefix = ARG1
series = ARG4
n = words(series)
eval ARG5
if (!exists("L_TITLE")) L_TITLE = "Cost of a message, ".ARG3
if (!exists("L_XLABEL")) L_XLABEL = "message size (log scale)"
if (!exists("L_YLABEL")) L_YLABEL = "process cost / thread cost (log scale)"
if (!exists("L_SLOWER")) L_SLOWER = "processes slower"
if (!exists("L_FASTER")) L_FASTER = "processes faster"
# Each series a little to the side of its size, so bars at one size do not hide each other.
off(i) = 1 + 0.035 * (i - (n + 1) / 2.0)
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size 1400,860 font FONT.",17"
    } else {
        set terminal svg noenhanced size 1400,860 dynamic font FONT.",17"
    }
    set output ARG2.'.'.format
    set title L_TITLE font ",18"
    set logscale xy
    eval "set xtics (".xtics_at.")"
    # The full profile's sizes crowd at the top of the axis: labels slanted, never overlaid.
    set xtics rotate by -40 font ",14"
    set xrange [xmin / 2:xmax * 2]
    set yrange [ymin:ymax]
    eval "set ytics (".ytics_at.")"
    set xlabel L_XLABEL
    set ylabel L_YLABEL
    set key outside right top font ",14" spacing 1.1
    set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "black" lw 2
    set label 1 L_SLOWER at graph 0.02, graph 0.96 font ",14"
    set label 2 L_FASTER at graph 0.02, graph 0.04 font ",14"
    plot for [i=1:n] prefix.'.'.word(series, i).'.dat' using ($1 * off(i)):2:3:4 \
             with yerrorlines lc rgb rgb[i] dt dt[i] lw 2.5 pt pt[i] ps 1.6 title title[i]
    set output
}
