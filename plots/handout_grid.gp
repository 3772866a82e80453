# handout_grid.gp DATA OUT - C6 for a projector (scripts/handout.py): what the caller of
# the notes' Pool sees when a task raises, case by case: a row per case, its cell saying
# what was seen and in how many runs; blue where the exception reached someone,
# vermilion where it was lost (Okabe-Ito: told apart by every kind of colour vision;
# the cell's words say it too). 600x400 with 22-point text, so that shown beside the
# page's words at 1280x720 no letter is under 20 px.
# DATA: tab-separated rows of index, case, the cell's words, shown (0 or 1).
# Words: L_TITLE.
load 'plots/style.gp'
handout_png = 'set terminal pngcairo noenhanced size 600,400 font "'.FONT.',22"'
handout_svg = 'set terminal svg noenhanced size 600,400 dynamic font "'.FONT.',22"'
set datafile separator "\t"
stats ARG1 using 1 nooutput
rows = STATS_max + 1
do for [out in "png svg"] {
    if (out eq "png") { eval handout_png } else { eval handout_svg }
    set output ARG2.'.'.out
    set label 1 L_TITLE at screen 0.5, screen 0.95 center
    unset border; unset xtics; unset ytics; unset key; unset grid
    set margins 0, 0, 0, 2
    set xrange [0:1]
    set yrange [rows - 0.5:-0.5]
    set style fill solid 0.9 noborder
    # Each row: the case's name above its cell, the cell as wide as the figure.
    plot ARG1 using (0.5):($1 + 0.2):(0.49):(0.24):($4 > 0 ? 0x0072b2 : 0xd55e00) \
             with boxxyerror lc rgb variable, \
         '' using (0.5):($1 + 0.2):3 with labels tc rgb "white", \
         '' using (0.01):($1 - 0.27):2 with labels left
    unset label 1
    set output
}
