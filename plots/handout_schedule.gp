# handout_schedule.gp DATA OUT YTICS - C5 for a projector (scripts/handout.py): the notes'
# Pool(3) as it ran in one repetition. A row per worker, a bar per task: blue, a task
# that started at once; vermilion, one that waited for its worker to finish an earlier
# task (the same worker, reused); a triangle where each worker was made (before the
# first request: left of 0). 600x400 with 22-point text, as the other handout figures,
# so that shown beside the page's words at 1280x720 no letter is under 20 px.
# DATA: two blocks (two blank lines between): the tasks, tab-separated rows of worker,
# start ms, end ms, waited (0 or 1), the number written on the bar and the number written
# over it (a bar too short for its number; one of the two is empty); then
# the workers, rows of worker and the ms it was made at.
# YTICS: gnuplot that names the rows ("set ytics (...)").
# The numbers on and over the bars at 24 points (a digit at 22 looked under 20 px tall
# once the page scaled the figure). The triangles 4 points across and the bars 0.72 of a row with a 2-point edge: a task of a
# millisecond (#0, #8) is still a mark a projector shows.
# Words: L_XLABEL and under it L_XNOTE (the notes' seconds, scaled), L_NOW, L_WAITED, L_MADE (the key's three entries, on one line; the
# page says what the figure is: no title; L_MADE says when the workers were started).
load 'plots/style.gp'
handout_png = 'set terminal pngcairo noenhanced size 600,400 font "'.FONT.',22"'
handout_svg = 'set terminal svg noenhanced size 600,400 dynamic font "'.FONT.',22"'
set datafile separator "\t"
eval ARG3
stats ARG1 index 0 using 3 nooutput
x_max = STATS_max
stats ARG1 index 1 using 2 nooutput
x_min = STATS_min < 0 ? STATS_min : 0
do for [out in "png svg"] {
    if (out eq "png") { eval handout_png } else { eval handout_svg }
    set output ARG2.'.'.out
    # Two lines of key over the rows: the second entry says what its colour is (the run
    # of a task that had waited), which one line at 22 points had no room for.
    set tmargin 2.6
    set xlabel L_XLABEL."\n".L_XNOTE offset 0,0.3
    set xrange [x_min - 3:x_max + 2]
    set yrange [2.45:-0.95]
    set xtics 20 nomirror out
    set ytics nomirror scale 0
    set border 1
    unset grid
    # The key as one line of words in the series' colours: gnuplot's own key takes
    # two lines at 22 points, which the rows need.
    unset key
    set label 11 "■ ".L_NOW at screen 0.01, screen 0.95 left tc rgb 0x0072b2
    set label 12 "■ ".L_WAITED at screen 0.01, screen 0.87 left tc rgb 0xd55e00
    set label 13 "▲ ".L_MADE at screen 0.99, screen 0.95 right tc rgb "black"
    # Black on vermilion, white on blue, the fill solid (0.9 paled both and lowered the
    # numbers' contrast): readable from the back row.
    set style fill solid 1.0 border -1
    # Blue and vermilion (Okabe-Ito): told apart by every kind of colour vision.
    plot ARG1 index 0 using (($2 + $3) / 2):1:(($3 - $2) / 2):(0.36):($4 > 0 ? 0xd55e00 : 0x0072b2) \
             with boxxyerror lw 2 lc rgb variable, \
         '' index 0 using (($2 + $3) / 2):1:5:($4 > 0 ? 0x000000 : 0xffffff) with labels font ",24" tc rgb variable, \
         '' index 0 using (($2 + $3) / 2):($1 - 0.62):6 with labels font ",24" tc rgb "black", \
         '' index 1 using 2:1 with points pt 9 ps 4 lc rgb "black"
    set output
}
