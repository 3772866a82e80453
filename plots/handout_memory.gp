# handout_memory.gp DATA OUT - C2 for a projector (scripts/handout.py): what creating a
# worker costs against the parent's memory: pthread_create, fork, posix_spawn (the
# report has fork in huge pages too). 600x400 with 22-point text, each line
# named at its end (no key to look up), so that shown beside the page's words at
# 1280x720 no letter is under 20 px.
# DATA: a block per series (two blank lines between), rows of parent MiB, median µs,
# interval low, high, the series' name in quotes.
# Words: L_XLABEL, L_YLABEL (the page says what the figure is: no title).
load 'plots/style.gp'
handout_png = 'set terminal pngcairo noenhanced size 600,400 font "'.FONT.',22"'
handout_svg = 'set terminal svg noenhanced size 600,400 dynamic font "'.FONT.',22"'
eval handout_png
set output ARG2.'.png'
set xlabel L_XLABEL offset 0,0.9
# Over the plot at the figure's left edge, a line above the top tick (not beside it,
# where it read as that tick's unit).
set label 1 L_YLABEL at screen 0.01, screen 0.95 left
set logscale x 2
set logscale y 10
set mytics 1
# A tick per decade, every one in the same style: digits grouped by commas (100,000), as
# a mix of 10万 and 1000 on one axis read oddly. Only the decades the data reach: a tick
# past them stretches gnuplot's margins.
set format y "%g"
stats ARG1 using 4 nooutput
do for [e=1:ceil(log10(STATS_max))] {
    s = "1"
    do for [k=e:1:-1] { s = s.((k % 3 == 0) ? ",0" : "0") }
    set ytics add (s 10**e)
}
# "256" and "1024" a label apart at 22 points in either font: a narrow range.
set xtics ("64" 64, "256" 256, "1024" 1024) nomirror offset 0,0.4
set ytics nomirror
set border 3
unset key
set grid ytics
set lmargin 8
set rmargin 15
set tmargin 2.4
set bmargin 2.4
set xrange [56:1150]
set yrange [10:*]
# Threads blue, processes vermilion and orange (Okabe-Ito); posix_spawn also dashed with
# squares, so that it is told from fork's line without its colour.
colours = "#0072b2 #d55e00 #e69f00 #d55e00"
stats ARG1 using 1 nooutput
n = STATS_blocks
plot for [i=0:n-1] ARG1 index i using 1:2:3:4 with yerrorlines lw 3 \
         pt int(word("7 7 5 7", i + 1)) ps 1.4 \
         lc rgb word(colours, i + 1) dashtype int(word("1 1 2 2", i + 1)), \
     for [i=0:n-1] ARG1 index i every ::2::2 using 1:2:5 with labels left \
         offset 0.8,(i == 3 ? 0.5 : i == 2 ? -0.3 : 0) \
         tc rgb word(colours, i + 1)
set output
eval handout_svg; set output ARG2.'.svg'; replot
