# globals.gp DATA OUT - C3 in one picture: how many of a worker's 3 appends to the notes'
# global list the parent sees, for each kind of worker, with the list an ordinary global
# (solid) and in MAP_SHARED memory (hatched). Threads blue, processes red.
# DATA: a row per worker: index, label, mode (0 thread, 1 process), appends seen with a
# global, appends seen with MAP_SHARED memory.
# Words: the report defines them in its language (scripts/report/globals.py, through the
# catalogue): L_TITLE, L_YLABEL, L_GLOBAL and L_SHARED (the legend), L_SEEN (the printf
# format of a bar's value, "%d of 3"); FONT, when the language needs one (style.gp).
load 'plots/style.gp'
eval render_png
set output ARG2.'.png'
set title L_TITLE
set ylabel L_YLABEL
set yrange [0:3.9]
set ytics 0, 1, 3
stats ARG1 using 1 nooutput
set xrange [-0.6:STATS_max + 0.6]
set boxwidth 0.36
set style fill solid 0.85 border -1
set key top right
set xtics nomirror scale 0
set datafile separator "\t"
# The legend's swatches are grey: the colour says the worker's mode, the fill the list.
plot NaN with boxes lc rgb "gray40" title L_GLOBAL, \
     NaN with boxes lc rgb "gray40" fs pattern 4 title L_SHARED, \
     ARG1 using ($1 - 0.2):4:(mode_rgb($3)):xtic(2) with boxes lc rgb variable notitle, \
     '' using ($1 + 0.2):5:(mode_rgb($3)) with boxes lc rgb variable fs pattern 4 notitle, \
     '' using ($1 - 0.2):($4 + 0.15):(sprintf(L_SEEN, $4)) with labels font ",17" notitle, \
     '' using ($1 + 0.2):($5 + 0.15):(sprintf(L_SEEN, $5)) with labels font ",17" notitle
set output
eval render_svg; set output ARG2.'.svg'; replot
