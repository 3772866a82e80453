# ipc_latency.gp DATA OUT MODES SHADES - ping-pong round trip of 8 bytes by transport,
# median with the interval of the median as an error bar: threads blue, processes red;
# dark on one PU (two context switches), middle on two cores, light unpinned.
# DATA: a header line with each column's title (then "lo hi"), then a row per transport:
# its quoted name, and median lo hi in µs per column (NaN NaN NaN where not run).
# MODES: per column, 0 thread or 1 process; SHADES: per column, the rank of its placement
# (0 darkest).
# Words: the report defines them in its language (scripts/report/ipc_latency.py): L_TITLE,
# L_YLABEL; FONT (style.gp). Run alone, the script says them in English.
load 'plots/style.gp'
if (!exists("L_TITLE")) L_TITLE = "Ping-pong of 8 bytes: one round trip (median and its interval)"
if (!exists("L_YLABEL")) L_YLABEL = "µs per round trip (log scale)"
data = ARG1
modes = ARG3
shades = ARG4
n = words(modes)
density(i) = word("1.0 0.6 0.25 0.12 0.06", int(word(shades, i)) % 5 + 1) + 0
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size 1600,860 font FONT.",17"
    } else {
        set terminal svg noenhanced size 1600,860 dynamic font FONT.",17"
    }
    set output ARG2.'.'.format
    set title L_TITLE font ",18"
    set ylabel L_YLABEL
    set logscale y
    set format y "%g"
    set style data histogram
    set style histogram errorbars gap 1.2 lw 1.5
    set style fill solid border -1
    set boxwidth 0.9
    set key outside right top font ",14"
    set xtics nomirror rotate by -30 font ",15"
    set bmargin 8
    plot for [i=1:n] data using (column(3 * i - 1)):(column(3 * i)):(column(3 * i + 1)):xtic(1) \
             lc rgb mode_rgb(int(word(modes, i))) fs solid density(i) \
             title columnheader(3 * i - 1)
    set output
}
