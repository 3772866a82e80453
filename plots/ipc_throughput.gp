# ipc_throughput.gp PREFIX OUT WHERE PANELS SERIES DEFS - bytes per second against message
# size, log-log, one panel per peer kind (processes on the left), both panels on one y
# range so that their heights compare. A transport has one colour and one point type in
# every panel (and in ipc_ratio.gp); a ring that polls before it sleeps is dashed in its
# ring's colour; memcpy by one thread is dashed black.
# PREFIX.PANEL.SERIES.dat and PREFIX.memcpy.dat: columns bytes median lo hi (bytes/s).
# WHERE says where the pair ran ("the pair on two cores"). PANELS: a word per panel, its
# mode ("process", "thread"), or mode-kind where a mode has several kinds. SERIES: a word
# per series (a file name part). DEFS: gnuplot statements from the report that set
# title[i], rgb[i], pt[i], dt[i] per series, drawn[(j - 1) * n + i] (1: panel j has data
# for series i, so it gets a key entry), ymin, ymax, xmin, xmax (the smallest and largest
# size), and xtics_at (the measured sizes, labelled).
# Words: the report defines them in its language (scripts/report/ipc.py): L_TITLE,
# L_XLABEL, L_YLABEL, L_PROCESSES and L_THREADS (the panels' titles), L_MEMCPY (the
# legend's memcpy line); FONT (style.gp). Run alone, the script says them in English.
load 'plots/style.gp'
prefix = ARG1
where = ARG3
panels = ARG4
series = ARG5
n = words(series)
np = words(panels)
# Each series a little to the side of its size, so bars at one size do not hide each other.
off(i) = 1 + 0.03 * (i - (n + 1) / 2.0)
eval ARG6
if (!exists("L_TITLE")) L_TITLE = "Throughput by message size, ".where." (median and its interval)"
if (!exists("L_XLABEL")) L_XLABEL = "message size (log scale)"
if (!exists("L_YLABEL")) L_YLABEL = "bytes per second (log scale)"
if (!exists("L_PROCESSES")) L_PROCESSES = "between two processes"
if (!exists("L_THREADS")) L_THREADS = "between two threads"
if (!exists("L_MEMCPY")) L_MEMCPY = "memcpy, one thread"
mode_of(p) = (strstrt(p, "-") > 0) ? p[1:strstrt(p, "-") - 1] : p
kind_of(p) = (strstrt(p, "-") > 0) ? " (".p[strstrt(p, "-") + 1:].")" : ""
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size 760 * np + 420,860 font FONT.",17"
    } else {
        set terminal svg noenhanced size 760 * np + 420,860 dynamic font FONT.",17"
    }
    set output ARG2.'.'.format
    set multiplot title L_TITLE
    set logscale xy
    eval "set xtics (".xtics_at.")"
    # The full profile's sizes crowd at the top of the axis: labels slanted, never overlaid.
    set xtics rotate by -40 font ",14"
    set xrange [xmin / 2:xmax * 2]
    set yrange [ymin:ymax]
    set format y "%.0s%cB/s"
    set xlabel L_XLABEL
    set ylabel L_YLABEL
    # One key for every panel, right of the last: a transport's colour is the same in all,
    # and no key box hides a panel's lines.
    set key at screen 0.995, graph 1 right top font ",14" spacing 1.1 noopaque
    set tmargin at screen 0.86
    set bmargin at screen 0.17
    width = (1.0 - 420.0 / (760 * np + 420)) / np
    do for [j=1:np] {
        set lmargin at screen (j - 1) * width + 0.095
        set rmargin at screen j * width - 0.01
        if (j < np) { unset key } else { set key }
        p = word(panels, j)
        m = mode_of(p)
        set title ((m eq "process") ? L_PROCESSES : L_THREADS).kind_of(p) font ",18"
        plot for [i=1:n] prefix.'.'.p.'.'.word(series, i).'.dat' using ($1 * off(i)):2:3:4 \
                 with yerrorlines lc rgb rgb[i] dt dt[i] lw 2.5 pt pt[i] ps 1.6 \
                 title (drawn[(j - 1) * n + i] ? title[i] : ""), \
             prefix.'.memcpy.dat' using 1:2 with linespoints lc rgb "black" dt 2 lw 2.5 pt 0 \
                 title L_MEMCPY
    }
    unset multiplot
    set output
}
