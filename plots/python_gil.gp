# python_gil.gp PREFIX OUT STYLES_CPU STYLES_IO PUS NS_CPU NS_IO - the GIL figure: speed-up
# against one worker of the same kind, for N workers each doing the same fixed work at
# once; left CPU-bound pure Python, right I/O-bound (blocking sleeps).
# PREFIX.cpu.dat and PREFIX.io.dat: a header line with each series' title, then columns
# N, then median lo hi of the speed-up for each series (NaN where a series lacks that N).
# STYLES_*: a letter per series in the file's order: t a Python thread kind, p a Python
# process kind (solid), T C's threads, P C's processes (dashed, thin).
# Series of one kind take shades of its colour. Each series is drawn a little to the side
# of its N, so that series with the same speed-up stand next to each other instead of on
# top of each other; ticks only at the N the panel measured (NS_*: the N, space-separated).
# Dotted grey: the ideal, min(N, PUs) for CPU-bound work, N for sleeping work.
# Words: the report defines them in its language (scripts/report/python.py, through the
# catalogue): L_TITLE (the interpreter, the machine's PUs), L_XLABEL, L_YLABEL, L_CPU and
# L_IO (the panels' titles), L_IDEAL (the ideal's key); the series' titles are in the
# data files' header lines; FONT, when the language needs one (style.gp).
load 'plots/style.gp'
prefix = ARG1
pus = int(ARG5)
set datafile columnheaders
set datafile missing "NaN"
is_proc(s) = (s eq "p" || s eq "P")
is_c(s) = (s eq "T" || s eq "P")
thread_shades = "0x1f77b4 0x0b3d6b 0x6baed6 0x17608f"
process_shades = "0xd62728 0x8b0000 0xf08080 0xa83250"
shade(p, r) = int(word(p ? process_shades : thread_shades, r % 4 + 1))
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size 1600,800 font FONT.",16"
    } else {
        set terminal svg noenhanced size 1600,800 dynamic font FONT.",16"
    }
    set output ARG2.'.'.format
    set multiplot layout 1,2 title L_TITLE font ",18"
    set xlabel L_XLABEL
    set ylabel L_YLABEL
    set yrange [0:*]
    # The legend sits in headroom above the data (offsets), so it never hides a line.
    set key top left opaque box font ",12" spacing 1.0 samplen 2.5
    set offsets 0, 0, graph 0.75, 0
    do for [panel=1:2] {
        work = (panel == 1) ? "cpu" : "io"
        styles = (panel == 1) ? ARG3 : ARG4
        ns = (panel == 1) ? ARG6 : ARG7
        set xtics ()
        do for [i=1:words(ns)] { set xtics add (word(ns, i) word(ns, i) + 0) }
        k = words(styles)
        dx(j) = (j - (k + 1) / 2.0) * 0.06
        f = prefix.'.'.work.'.dat'
        set title (panel == 1) ? L_CPU : L_IO
        stats f using 1 nooutput
        set xrange [0.5:STATS_max + 0.5]
        ideal(x) = (panel == 1) ? ((x < pus) ? x : pus) : x
        rank(j) = sum [i=1:j-1] ((is_proc(word(styles, i)) == is_proc(word(styles, j)) && \
                                  is_c(word(styles, i)) == is_c(word(styles, j))) ? 1 : 0)
        lw_of(j) = is_c(word(styles, j)) ? 1.5 : 2.5
        dt_of(j) = is_c(word(styles, j)) ? 2 : 1
        pt_of(j) = is_c(word(styles, j)) ? 1 + rank(j) : (is_proc(word(styles, j)) ? 5 : 7) + 2 * rank(j)
        plot ideal(x) with lines lc rgb "#999999" dt 3 lw 2 title L_IDEAL, \
             for [j=1:k] f using ($1 + dx(j)):(column(3 * j - 1)):(column(3 * j)):(column(3 * j + 1)) \
                 with yerrorlines lc rgb shade(is_proc(word(styles, j)), rank(j)) \
                 lw lw_of(j) dt dt_of(j) pt pt_of(j) ps 1.5 title columnheader(3 * j - 1)
    }
    unset multiplot
    set output
}
