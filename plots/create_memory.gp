# create_memory.gp DATA OUT - round trip against the memory the parent holds (log-log):
# the "fork() in the road" figure. DATA holds one block per series, separated by two
# blank lines; a block's first line is its title; columns: mib median lo hi mode.
# ARG3: how many series, from the first, are drawn solid; the others are dashed.
# Words: the report defines them in its language (scripts/report/create.py, through the
# catalogue): L_TITLE (with the intervals' real coverage), L_XLABEL, L_YLABEL; the
# series' titles are in DATA. FONT, when the language needs one (style.gp).
load 'plots/style.gp'
data = ARG1
eval render_png
set output ARG2.'.png'
solid = (ARGC >= 3) ? int(ARG3) : 1000   # series drawn solid; the rest dashed
stats data using 1 nooutput
set title L_TITLE
set xlabel L_XLABEL
set ylabel L_YLABEL
set logscale xy
set format y "%g"
set xtics (64, 128, 256, 512, 1024, 2048, 4096, 8192)
set key outside right top
set xrange [STATS_min / 1.4 : STATS_max * 1.4]
plot for [i=0:STATS_blocks-1] data index i using 1:2:3:4:(mode_rgb($5)) \
     with yerrorlines lc rgb variable lw 2.5 pt (i+4) ps 1.6 dashtype 1+(i >= solid) \
     title columnheader(1)
set output
eval render_svg; set output ARG2.'.svg'; replot
