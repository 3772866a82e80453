# handout_pair.gp DATA OUT - a claim's key number beside a count, for a projector
# (scripts/handout.py): on the left a thread's bar and a process's (median, interval,
# the value written on it), as handout_key.gp draws them; on the right two bars of
# what happened in how many runs (C4: the notes' q.empty() loop; C7: what a crash takes
# down). 600x400 with 22-point text, so that shown beside the page's words at 1280x720
# no letter is under 20 px.
# DATA: two blocks (two blank lines between), the left panel's then the right's, each
# two tab-separated rows: x, name, value, interval low, high, the value as written,
# colour (0 blue, 1 vermilion), the name's second line (may be empty).
# Words, in the report's language: L_LEFT1..3, L_RIGHT1..3 (each panel's title over up
# to three lines, the unused ones empty), L_RATIO (under the left panel), L_RUNS (under the right),
# and ARG3, gnuplot that sets RIGHT_MAX (the right axis' top: the number of runs) and
# LOG_LEFT (1: the left panel on a log axis, where one bar is ~100 times the other; the
# left title then says "log scale").
load 'plots/style.gp'
handout_png = 'set terminal pngcairo noenhanced size 600,400 font "'.FONT.',22"'
handout_svg = 'set terminal svg noenhanced size 600,400 dynamic font "'.FONT.',22"'
# Blue and vermilion (Okabe-Ito): told apart by every kind of colour vision.
rgb(c) = c == 0 ? 0x0072b2 : 0xd55e00
set datafile separator "\t"
eval ARG3
stats ARG1 index 0 using 5 nooutput
left_max = STATS_max
stats ARG1 index 0 using 4 nooutput
left_min = STATS_min
# A bar's name over two lines where it has a second.
name2(x) = strlen(strcol(8)) > 0 ? strcol(2)."\n".strcol(8) : strcol(2)
do for [out in "png svg"] {
    if (out eq "png") { eval handout_png } else { eval handout_svg }
    set output ARG2.'.'.out
    set multiplot
    unset key
    set boxwidth 0.6
    set style fill solid 0.9 border -1
    set xtics nomirror scale 0
    unset ytics
    set border 1
    set xrange [-0.6:1.6]
    set bmargin at screen 0.3
    lines = (strlen(L_LEFT3) > 0 || strlen(L_RIGHT3) > 0) ? 3 : \
            (strlen(L_LEFT2) > 0 || strlen(L_RIGHT2) > 0) ? 2 : 1
    # In screen units: the titles' lines 0.08 apart from 0.95 down, the bars' names (two
    # lines) and the caption under the bottom. In characters, the CJK font's taller
    # lines left the bars a strip 60 px high.
    set tmargin at screen 0.92 - 0.08 * lines
    set size 0.5, 1
    set origin 0, 0
    set lmargin 1; set rmargin 1
    set label 1 L_LEFT1 at screen 0.25, screen 0.95 center
    set label 2 L_LEFT2 at screen 0.25, screen 0.87 center
    set label 5 L_LEFT3 at screen 0.25, screen 0.79 center
    unset xlabel
    # Under the left panel, from its left edge (centred, the English ran off the figure);
    # C8's two panels run opposite ways and have none (handout_figures.held_figure).
    set label 7 L_RATIO at screen 0.02, screen 0.06 left
    if (LOG_LEFT) {
        # The bars from a tenth of the smaller value: both visible, the gap as a ratio.
        set logscale y
        set yrange [left_min / 10 : left_max * 8]
    } else {
        set yrange [0:left_max * 1.3]
    }
    plot ARG1 index 0 using 1:3:(rgb($7)):xtic(name2(0)) with boxes lc rgb variable, \
         '' index 0 using 1:4:(0):($5 - $4) with vectors nohead lc rgb "black" lw 2, \
         '' index 0 using 1:5:6 with labels offset 0,1.0
    unset label 1; unset label 2; unset label 5; unset label 7
    set origin 0.5, 0
    unset logscale y
    set label 3 L_RIGHT1 at screen 0.75, screen 0.95 center
    set label 4 L_RIGHT2 at screen 0.75, screen 0.87 center
    set label 6 L_RIGHT3 at screen 0.75, screen 0.79 center
    set label 8 L_RUNS at screen 0.75, screen 0.06 center
    set yrange [0:RIGHT_MAX * 1.3]
    plot ARG1 index 1 using 1:3:(rgb($7)):xtic(name2(0)) with boxes lc rgb variable, \
         '' index 1 using 1:3:6 with labels offset 0,1.0
    unset label 3; unset label 4; unset label 6; unset label 8
    unset multiplot
    set output
}
