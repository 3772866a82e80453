# http_memory.gp DATA OUT K LEVELS TOTALS - C8: memory per idle keep-alive connection, a group
# of bars per server, a slot per level of connections held open (darker: more); threads
# blue, processes red, the epoll loop grey, Apache's MPMs in darker shades. In each slot
# what the connections add is a solid bar and all the server's memory over its connections
# a narrow, light, dashed bar beside it: side by side, so neither hides the other.
# DATA: a row per server: index, label, colour (0xrrggbb as an integer), 1 for Apache
# (unused here), then what the connections add at each level (NaN: not measured), then
# all the server's memory per connection at each level (the same reading for every
# server, so solid compares with solid). K: the levels; LEVELS: them, in words; TOTALS: 1 where the run
# has the second set (an older run has only the first, and no light bars).
# Words (scripts/report/http_figures.py): L_TITLE, L_YLABEL, L_LEVEL (a printf format: %d is the
# connections), L_COUNTED, L_TOTAL; FONT (style.gp).
load 'plots/style.gp'
K = int(ARG3)
level(j) = int(word(ARG4, j))
W = 0.8
SLOT = W / K
eval render_png
set output ARG2.'.png'
set datafile separator "\t"
set datafile missing "NaN"
set title L_TITLE
set ylabel L_YLABEL
set yrange [0:*]
set xtics nomirror rotate by -25 scale 0
set key top right
# Room above the tallest bar for the key.
set offsets 0, 0.6, graph 0.35, 0
# The counted bar fills the first 65% of its level's slot, the other reading the rest.
xc(j) = $1 - W / 2 + (j - 1) * SLOT + 0.325 * SLOT
xo(j) = $1 - W / 2 + (j - 1) * SLOT + 0.825 * SLOT
shade(j) = 0.35 + 0.65 * j / K
# The light bars only where the run has them (ARG5 1): an older run's would be all NaN.
others = ARG5 eq "1" ? \
  "for [j=1:K] ARG1 using (xo(j)):(column(4 + K + j)):(0.35 * SLOT):3 \
     with boxes lc rgb variable fs transparent solid 0.3 noborder notitle, \
   for [j=1:K] ARG1 using (xo(j)):(column(4 + K + j)):(0.35 * SLOT):3 \
     with boxes lc rgb variable dt 2 lw 1.5 fs empty notitle, \
   NaN with boxes lc rgb 'gray30' dt 2 lw 1.5 fs transparent solid 0.3 title L_TOTAL," : ""
draw_plot = "plot ".others." for [j=1:K] ARG1 using (xc(j)):(column(4 + j)):(0.65 * SLOT):3 \
     with boxes lc rgb variable fs solid shade(j) border -1 notitle, \
  NaN with boxes lc rgb 'gray30' fs solid 1.0 border -1 title L_COUNTED, \
  for [j=1:K] NaN with boxes lc rgb 'gray30' fs solid shade(j) border -1 \
     title sprintf(L_LEVEL, level(j)), \
  '' using 1:(0):xtic(2) with points ps 0 notitle"
set xrange [-0.6:*]
eval draw_plot
set output
eval render_svg; set output ARG2.'.svg'; eval draw_plot
