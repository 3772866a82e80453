# compare.gp DATA OUT - contender / baseline ratio per benchmark, log scale, thread blue
# and process red, significant changes filled and the others hollow.
# DATA columns: index name mode ratio significant
load 'plots/style.gp'
data = ARG1
stats data using 4 nooutput
rows = STATS_records
# A range symmetric about 1 on the log scale, just wider than the largest change.
span = 1.15 * ((STATS_max > 1 / STATS_min) ? STATS_max : 1 / STATS_min)
span = (span < 1.25) ? 1.25 : span
set terminal pngcairo noenhanced size 1280,(260 + 22 * rows) font "sans,12"
set output ARG2.'.png'
set title "Contender against baseline: ratio of medians (below 1: the contender is faster)"
set xlabel "contender / baseline (log scale)"
set logscale x
set format x "%g"
set xrange [1 / span : span]
set xtics ("0.1" 0.1, "0.25" 0.25, "0.5" 0.5, "0.8" 0.8, "0.9" 0.9, "1" 1, "1.1" 1.1, \
           "1.25" 1.25, "2" 2, "4" 4, "10" 10)
set yrange [-1:rows]
set ytics nomirror font ",10"
set grid xtics
set key outside bottom center horizontal
set bmargin 7
set style fill solid 0.85 border -1
lo(r) = (r < 1) ? r : 1
hi(r) = (r > 1) ? r : 1
set arrow from 1, graph 0 to 1, graph 1 nohead lc rgb "black" lw 1.5
plot data using 4:1:(lo($4)):(hi($4)):($1 - 0.35):($1 + 0.35):(mode_rgb($3)):ytic(2) \
         with boxxyerror lc rgb variable fs transparent solid 0.2 notitle, \
     data using (($5 == 1) ? $4 : NaN):1:(lo($4)):(hi($4)):($1 - 0.35):($1 + 0.35):(mode_rgb($3)) \
         with boxxyerror lc rgb variable notitle, \
     NaN with boxes fs solid 0.85 lc rgb thread_rgb title "thread", \
     NaN with boxes fs solid 0.85 lc rgb process_rgb title "process", \
     NaN with boxes fs transparent solid 0.2 lc rgb "#777777" title "not significant"
set output
set terminal svg noenhanced size 1280,(260 + 22 * rows) dynamic font "sans,12"
set output ARG2.'.svg'
replot
