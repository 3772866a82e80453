# scale.gp PREFIX OUT WORKLOADS MODES TICKS INTERVAL - operations per second against the
# number of workers, one panel per workload: a line per worker kind, threads blue and
# processes red, each with its error bars and its linear line (N times its own
# one-worker rate, dotted, up to N = PUs only: past the PUs no line is "ideal").
# PREFIX.WORKLOAD.dat: a header line with each series' title, then columns N, then
# median lo hi for each kind, then the linear rate for each kind (NaN past the PUs).
# MODES: per kind, 0 thread or 1 process, in the file's order. TICKS: per workload, the
# Ns it measured, comma-separated ("1,2,4"): the only x ticks. INTERVAL: the words for
# the error bars' real coverage ("93.75% interval").
# Words: the report defines them in its language (scripts/report/scale.py): L_TITLE,
# L_XLABEL, L_YLABEL, L_LINEAR (the legend's linear line), L_PANEL1... (each workload's
# panel title, in WORKLOADS' order), L_TOP1... (the largest value of each panel, for
# its big numbers); FONT and L_BIG (style.gp). Run alone,
# the script says them in English.
load 'plots/style.gp'
prefix = ARG1
workloads = ARG3
modes = (ARGC >= 4) ? ARG4 : "0 1"
ticks = (ARGC >= 5) ? ARG5 : ""
interval = (ARGC >= 6) ? ARG6 : "interval"
if (!exists("L_TITLE")) L_TITLE = "N workers doing the same work at once (median, ".\
    interval."; threads and processes set side by side at each N)"
if (!exists("L_XLABEL")) L_XLABEL = "workers"
if (!exists("L_YLABEL")) L_YLABEL = "operations per second"
if (!exists("L_LINEAR")) L_LINEAR = "N x one worker (up to N = PUs)"
n = words(workloads)
k = words(modes)
mode_of(j) = int(word(modes, j))
# A second kind of the same mode is drawn with another point and dashes.
rank(j) = sum [i=1:j-1] (mode_of(i) == mode_of(j) ? 1 : 0)
# Kinds are set apart along x at each N, threads left and processes right, so that a
# series is never hidden under another with the same values.
dodge(j, span) = span * 0.03 * (j - (k + 1) / 2.0)
set datafile columnheaders
# Two rows, with one slot more than the workloads: the legend's, so it covers no data.
cols = (n + 2) / 2
width = (440 * cols > 1100) ? 440 * cols : 1100
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size width,900 font FONT.",14"
    } else {
        set terminal svg noenhanced size width,900 dynamic font FONT.",14"
    }
    set output ARG2.'.'.format
    set multiplot layout 2,cols title L_TITLE
    set xlabel L_XLABEL
    set ylabel L_YLABEL
    set yrange [0:*]
    unset key
    do for [i=1:n] {
        w = word(workloads, i)
        f = prefix.'.'.w.'.dat'
        # The panel's title in the report's language (L_PANEL1...), else the workload's name.
        set title (exists("L_PANEL".i) ? value("L_PANEL".i) : w) font ",15"
        stats f using 1 nooutput
        span = STATS_max + 0.5
        top = exists("L_TOP".i) ? real(value("L_TOP".i)) : 0  # alone: plain numbers
        b = big_base(top)
        yformat = "%g".big_word(top)
        set format y yformat
        set ytics autofreq
        set ytics add ("0" 0)  # not "0万" or "0k"
        set xrange [0.5:span]
        t = (words(ticks) >= i) ? word(ticks, i) : ""
        if (strlen(t) > 0) { eval "set xtics (".t.")" } else { set xtics autofreq }
        plot for [j=1:k] f \
                 using ($1 + dodge(j, span)):(column(3 * j - 1) / b):(column(3 * j) / b):(column(3 * j + 1) / b) \
                 with yerrorlines lc rgb mode_rgb(mode_of(j)) lw 2 ps 1.2 \
                 pt (mode_of(j) ? 5 : 7) + 2 * rank(j) dt 1 + rank(j) title columnheader(3 * j - 1), \
             for [j=1:k] f using 1:(column(3 * k + 1 + j) / b) with lines \
                 lc rgb mode_rgb(mode_of(j)) dt 3 lw 1.5 notitle
    }
    # The legend alone, in the slot no workload needs.
    unset title; unset xlabel; unset ylabel; unset tics; unset border; unset grid
    set xrange [0:1]; set yrange [0:1]
    set lmargin 2; set rmargin 2
    set key center center reverse Left font ",15" samplen 3 spacing 1.6 nobox
    plot for [j=1:k] f using (NaN):(NaN) with linespoints lc rgb mode_rgb(mode_of(j)) \
             lw 2 ps 1.4 pt (mode_of(j) ? 5 : 7) + 2 * rank(j) dt 1 + rank(j) \
             title columnheader(3 * j - 1), \
         NaN with lines lc rgb "#555555" dt 3 lw 2 title L_LINEAR
    unset multiplot
    set output
}
