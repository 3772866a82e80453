# ipc_latency.gp DATA OUT MODES SHADES - ping-pong round trip of 8 bytes by transport:
# threads blue, processes red; dark on one PU (two context switches), middle on two cores,
# light unpinned. DATA: a header line with each column's title, then a row per transport:
# transport and µs per column (NaN where not run). MODES: per column, 0 thread or 1
# process; SHADES: per column, the rank of its placement (0 darkest).
load 'plots/style.gp'
data = ARG1
modes = ARG3
shades = ARG4
n = words(modes)
density(i) = word("1.0 0.6 0.25 0.12 0.06", int(word(shades, i)) % 5 + 1) + 0
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
plot for [i=1:n] data using (column(i + 1)):xtic(1) \
         lc rgb mode_rgb(int(word(modes, i))) fs solid density(i) title columnheader(i + 1)
set output
set terminal svg noenhanced size 1400,720 dynamic font "sans,14"
set output ARG2.'.svg'
replot
