# http_memory.gp DATA OUT K LEVELS TOTALS - C8: memory per idle keep-alive connection, a group
# of bars per server, a bar per level of connections held open (darker: more); threads
# blue, processes red, the epoll loop grey, Apache's MPMs in darker shades.
# DATA: a row per server: index, label, colour (0xrrggbb as an integer), 1 for Apache
# (unused here), then KiB per
# connection at each level (NaN: not measured), what the connections add to the server
# idle, then all the server's memory per connection at each level (drawn as an outline
# around the bar: the part above the bar is the server's memory before any connection,
# workers made ahead included, shared out). K: the levels; LEVELS: them, in words;
# TOTALS: 1 where the run has the second set (an older run has only the first).
# Words (scripts/report/http_figures.py): L_TITLE, L_YLABEL, L_LEVEL (a printf format: %d is the
# connections), L_TOTAL; FONT (style.gp).
load 'plots/style.gp'
K = int(ARG3)
level(j) = int(word(ARG4, j))
W = 0.8
eval render_png
set output ARG2.'.png'
set datafile separator "\t"
set datafile missing "NaN"
set title L_TITLE
set ylabel L_YLABEL
set yrange [0:*]
set style fill solid 1.0 border -1
set boxwidth W / K
set xtics nomirror rotate by -25 scale 0
set key top right
# Room above the tallest outline for the key.
set offsets 0, 0, graph 0.3, 0
x(j) = $1 - W / 2 + (j - 0.5) * W / K
shade(j) = 0.35 + 0.65 * j / K
# The outlines only where the run has them (ARG5 1): an older run's would be all NaN.
totals = ARG5 eq "1" ? \
  "for [j=1:K] ARG1 using (x(j)):(column(4 + K + j)):3 \
     with boxes lc rgb variable dt 2 lw 2 fs empty notitle, \
   NaN with boxes lc rgb 'gray30' dt 2 lw 2 fs empty title L_TOTAL," : ""
draw_plot = "plot ".totals." for [j=1:K] ARG1 using (x(j)):(column(4 + j)):3 \
     with boxes lc rgb variable fs transparent solid shade(j) border -1 notitle, \
  for [j=1:K] NaN with boxes lc rgb 'gray30' fs transparent solid shade(j) \
     title sprintf(L_LEVEL, level(j)), \
  '' using 1:(0):xtic(2) with points ps 0 notitle"
set xrange [-0.6:*]
eval draw_plot
set output
eval render_svg; set output ARG2.'.svg'; eval draw_plot
