# cow.gp DATA OUT SOLID FAULTS - copy-on-write: the write loop's time and its
# minor faults against the fraction of pages written.
# DATA holds one block per series (first line: its title); columns: pct time_ms lo hi
# mode. SOLID: series drawn solid first. FAULTS holds one block per line of the faults
# panel (series with the same counts merged, the title naming them all); columns: pct
# minflt mode.
# Words: the report defines them in its language (scripts/report/cow.py, through the
# catalogue): L_TITLE (with the error bars' real coverage), L_XLABEL, L_YTIME and
# L_YFAULTS (the two panels' y axes); the series' titles are in DATA and FAULTS. FONT,
# when the language needs one (style.gp).
load 'plots/style.gp'
data = ARG1
solid = (ARGC >= 3) ? int(ARG3) : 1000
faults = (ARGC >= 4) ? ARG4 : data
set termoption noenhanced
stats data using 1 nooutput
nd = STATS_blocks
stats faults using 1 nooutput
nf = STATS_blocks
# Series are set apart along the log x axis, a few percent each, so that two with the
# same values (the child and the parent writing) show both their points.
dodge(i) = 1.045 ** (i - (nd - 1) / 2.0)
do for [format in "png svg"] {
    if (format eq "png") { eval render_png } else { eval render_svg }
    set output ARG2.'.'.format
    set multiplot layout 1,2 title L_TITLE
    set xlabel L_XLABEL
    set logscale xy
    set xrange [0.7:140]
    set xtics (1, 10, 50, 100)
    set format y "%g"
    # Each panel's legend under it, outside the data, so that no line passes under it.
    set bmargin 8
    set ylabel L_YTIME
    set yrange [*:*]
    set key at screen 0.02, screen 0.01 left bottom reverse Left maxrows 3 font ",13" \
        spacing 1.0 samplen 2.5 nobox
    plot for [i=0:nd-1] data index i using ($1 * dodge(i)):2:3:4:(mode_rgb($5)) \
         with yerrorlines lc rgb variable lw 2 pt (i+4) ps 1.3 dashtype 1+(i >= solid) \
         title columnheader(1)
    set ylabel L_YFAULTS
    set yrange [0.8:*]
    set key at screen 0.62, screen 0.01 left bottom reverse Left maxrows 3 font ",13" \
        spacing 1.0 samplen 2.5 nobox
    plot for [i=0:nf-1] faults index i using 1:($2 > 0 ? $2 : 1):(mode_rgb($3)) \
         with linespoints lc rgb variable lw 2 pt 7 ps 1.1 title columnheader(1)
    unset multiplot
    set output
}
