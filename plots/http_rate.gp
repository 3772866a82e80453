# http_rate.gp DATA OUT N COLOURS DASHED POINTS STARVED LABELS - C8 where concurrency
# lives: requests per second (above) and p99 latency (below) against concurrent
# connections, log axes, a series per server; threads blue, processes red, the epoll loop
# grey, Apache's MPMs dashed.
# DATA: three blocks (two blank lines apart): requests/s, then p99 in µs; a header row of
# titles, then a row per level: connections, then per server its number and where its dot
# goes on the x axis (NaN NaN: none); then the starved points: their x, requests/s, a
# quoted text written beside the circle.
# N: the servers; COLOURS and DASHED: a word per server (#rrggbb; 1 for Apache); POINTS:
# a word per server, how many levels it ran (a server of one level is a dot, no line,
# and its key a dot); STARVED: how many starved points the third block has; LABELS: 1 to
# write each rate beside its dot.
# Several servers ran 100 connections only, at rates a few percent apart: the servers of
# a level are set side by side around it (http_figures.py spreads them, by how many ran
# that level), so none hides another and each stays near its level.
# Words (scripts/report/http_figures.py): L_TITLE, L_XLABEL, L_RATE, L_P99; FONT,
# L_BIG (style.gp).
load 'plots/style.gp'
N = int(ARG3)
colour(i) = word(ARG4, i)
dash(i) = int(word(ARG5, i)) ? 2 : 1
npts(i) = int(word(ARG6, i))
STARVED = int(ARG7)
LABELS = int(ARG8)
set datafile missing "NaN"
# Server i's number and its dot's place in a row of blocks 0 and 1.
val(i) = column(2 * i)
jx(i) = column(2 * i + 1)
# Requests per second in thousands (10k, 100k) or 万 (1万, 10万), never 1e+06: L_BIG's
# first base (style.gp).
rate_base = real(word(L_BIG, 1))
rate_format = "%g".word(L_BIG, 2)
rate_label = "%.3g".word(L_BIG, 2)
# The levels' span, with room for the steps and the labels on both sides.
stats ARG1 index 0 using 1 nooutput
set xrange [STATS_min / 1.6 : STATS_max * 1.6]
set logscale x
set logscale y
set xtics nomirror
# The panels share the x axis: the same margins, the legend beside them once.
set lmargin at screen 0.11
set rmargin at screen 0.66
set key at screen 0.99, 0.9 right top
# The servers drawn as lines (more than one level) and as dots, by number.
LINES = ""
DOTS = ""
do for [i=1:N] {
    if (npts(i) > 1) { LINES = LINES." ".i } else { DOTS = DOTS." ".i }
}
# A dot alone is drawn solid: a dash pattern means nothing on one point.
dash1(i) = npts(i) > 1 ? dash(i) : 1
starved_plot = STARVED ? \
  ", ARG1 index 2 using 1:($2 / rate_base) with points pt 6 ps 3.5 lw 2 lc rgb '#000000' notitle, ARG1 index 2 using 1:($2 / rate_base):3 with labels right offset -2.2,-0.2 tc rgb '#000000' notitle" : ""
label_plot = LABELS ? \
  ", for [i=1:N] ARG1 index 0 using (jx(i)):(val(i) / rate_base):(sprintf(rate_label, val(i) / rate_base)) with labels rotate by 90 left offset 0,0.9 tc rgb colour(i) notitle" : ""
draw_panels = "\
set multiplot title L_TITLE; \
set size 1, 0.47; set origin 0, 0.46; \
set ylabel L_RATE offset 1,0; unset xlabel; set format x ''; set key; \
set format y rate_format; \
plot for [s in LINES] ARG1 index 0 using (jx(int(s))):(val(int(s)) / rate_base) with linespoints lw 2 pt 7 ps 1.3 \
     lc rgb colour(int(s)) dt dash(int(s)) title columnhead(2 * int(s)), \
     for [s in DOTS] ARG1 index 0 using (jx(int(s))):(val(int(s)) / rate_base) with points pt 7 ps 1.3 \
     lc rgb colour(int(s)) title columnhead(2 * int(s))".label_plot.starved_plot."; \
set size 1, 0.47; set origin 0, 0.0; \
set xlabel L_XLABEL; set format x '%g'; set format y '%g'; set ylabel L_P99 offset 1,0; unset key; \
plot for [i=1:N] ARG1 index 1 using (jx(i)):(val(i)/1000.0) with linespoints lw 2 pt 7 ps 1.3 \
     lc rgb colour(i) dt dash1(i) notitle; \
unset multiplot"
eval render_png
set output ARG2.'.png'
eval draw_panels
set output
eval render_svg
set output ARG2.'.svg'
eval draw_panels
set output
