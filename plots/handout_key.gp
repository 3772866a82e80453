# handout_key.gp DATA OUT - a claim's key number for a projector (scripts/handout.py):
# a thread's bar and a process's, each its median with its interval, the value written
# on it. Drawn at 600x400 with 22-point text, so that shown beside the page's words at
# 1280x720 no letter is under 20 px.
# DATA: two rows, thread then process: index, name, median, interval low, high, the
# value as the page writes it.
# Words from the report, in its language: L_TITLE1 and L_TITLE2 (the key's unit over
# one or two lines), L_RATIO (the process as a multiple of the thread; may be empty).
load 'plots/style.gp'
# Blue and vermilion (Okabe-Ito): told apart by every kind of colour vision.
handout_png = 'set terminal pngcairo noenhanced size 600,400 font "'.FONT.',22"'
handout_svg = 'set terminal svg noenhanced size 600,400 dynamic font "'.FONT.',22"'
eval handout_png
set output ARG2.'.png'
set datafile separator "\t"
set label 1 L_TITLE1 at screen 0.5, screen 0.95 center
set label 2 L_TITLE2 at screen 0.5, screen 0.88 center
set tmargin (strlen(L_TITLE2) > 0 ? 3.5 : 2.5)
set xlabel L_RATIO
stats ARG1 using 5 nooutput
set yrange [0:STATS_max * 1.3]
set xrange [-0.6:1.6]
set boxwidth 0.6
set style fill solid 0.9 border -1
unset key
set xtics nomirror scale 0
# Each bar has its value written on it: no y axis to read.
unset ytics
set border 1
plot ARG1 using 1:3:($1 == 0 ? 0x0072b2 : 0xd55e00):xtic(2) with boxes lc rgb variable, \
     '' using 1:4:(0):($5 - $4) with vectors nohead lc rgb "black" lw 2, \
     '' using 1:5:6 with labels offset 0,1.0
set output
eval handout_svg; set output ARG2.'.svg'; replot
