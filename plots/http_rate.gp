# http_rate.gp DATA OUT N COLOURS DASHED - C8 where concurrency lives: requests per second
# (above) and p99 latency (below) against concurrent connections, log axes, a series per
# server; threads blue, processes red, the epoll loop grey, Apache's MPMs dashed.
# DATA: two blocks (two blank lines apart): requests/s, then p99 in µs; a header row of
# titles, then a row per level: connections, then a median per server (NaN: none).
# N: the servers; COLOURS and DASHED: a word per server (#rrggbb; 1 for Apache).
# Words (scripts/report/http.py): L_TITLE, L_XLABEL, L_RATE, L_P99; FONT, L_BIG (style.gp).
load 'plots/style.gp'
N = int(ARG3)
colour(i) = word(ARG4, i)
dash(i) = int(word(ARG5, i)) ? 2 : 1
set datafile missing "NaN"
# Requests per second in thousands (10k, 100k) or 万 (1万, 10万), never 1e+06: L_BIG's
# first base (style.gp).
rate_base = real(word(L_BIG, 1))
rate_format = "%g".word(L_BIG, 2)
set logscale x
set logscale y
# The panels share the x axis: the same margins, the legend beside them once.
set lmargin at screen 0.11
set rmargin at screen 0.66
set key at screen 0.99, 0.9 right top
draw_panels = "\
set multiplot title L_TITLE; \
set size 1, 0.47; set origin 0, 0.46; \
set ylabel L_RATE offset 1,0; unset xlabel; set format x ''; set key; \
set format y rate_format; \
plot for [i=1:N] ARG1 index 0 using 1:(column(i+1) / rate_base) with linespoints lw 2 pt 7 \
     lc rgb colour(i) dt dash(i) title columnhead(i+1); \
set size 1, 0.47; set origin 0, 0.0; \
set xlabel L_XLABEL; set format x '%g'; set format y '%g'; set ylabel L_P99 offset 1,0; unset key; \
plot for [i=1:N] ARG1 index 1 using 1:(column(i+1)/1000.0) with linespoints lw 2 pt 7 \
     lc rgb colour(i) dt dash(i) notitle; \
unset multiplot"
eval render_png
set output ARG2.'.png'
eval draw_panels
set output
eval render_svg
set output ARG2.'.svg'
eval draw_panels
set output
