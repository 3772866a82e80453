# handout_rules.gp DATA OUT - a claim's figure for the handout when it has none of its
# own (scripts/handout.py): one bar per rule of the claim, the median of what it
# measured; counted predictions dark, context light.
# DATA: a row per rule: index, name (the field the rules' keys differ in), median,
# counted (1) or context (0).
# Words from the report, in its language: L_TITLE, L_YLABEL, L_COUNTED, L_CONTEXT.
load 'plots/style.gp'
eval render_png
set output ARG2.'.png'
set title L_TITLE
set ylabel L_YLABEL
set datafile separator "\t"
stats ARG1 using 1 nooutput
set xrange [STATS_min - 0.6:STATS_max + 0.6]
stats ARG1 using 3 nooutput
set yrange [0:(STATS_max > 0 ? STATS_max * 1.25 : 1)]
set boxwidth 0.6
set style fill solid 0.85 border -1
set key top right
set xtics nomirror scale 0
plot NaN with boxes lc rgb "gray30" title L_COUNTED, \
     NaN with boxes lc rgb "gray75" title L_CONTEXT, \
     ARG1 using 1:3:($4 > 0 ? 0x4d4d4d : 0xbfbfbf):xtic(2) with boxes lc rgb variable notitle, \
     '' using 1:($3):(sprintf("%g", $3)) with labels offset 0,1 font ",17" notitle
set output
eval render_svg; set output ARG2.'.svg'; replot
