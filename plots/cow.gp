# cow.gp DATA OUT SOLID - copy-on-write: the write loop's time and its minor faults
# against the fraction of pages written. DATA holds one block per series (first line:
# its title); columns: pct time_ms lo hi minflt mode. SOLID: series drawn solid first.
load 'plots/style.gp'
data = ARG1
solid = (ARGC >= 3) ? int(ARG3) : 1000
set termoption noenhanced
stats data using 1 nooutput
do for [format in "png svg"] {
    if (format eq "png") { eval render_png } else { eval render_svg }
    set output ARG2.'.'.format
    set multiplot layout 1,2 title \
        "Copy-on-write: writing into memory shared by fork (median, 95% interval)"
    set xlabel "pages written (% of the region, log scale)"
    set logscale xy
    set xrange [0.7:140]
    set xtics (1, 10, 50, 100)
    set format y "%g"
    set ylabel "time of the write loop (ms, log scale)"
    set yrange [*:*]
    unset key
    plot for [i=0:STATS_blocks-1] data index i using 1:2:3:4:(mode_rgb($6)) \
         with yerrorlines lc rgb variable lw 2 pt (i+4) ps 1.3 dashtype 1+(i >= solid) notitle
    # The legend sits in the faults panel's empty middle: the writers that copy climb
    # along its top edge, the threads lie flat at its bottom.
    set ylabel "minor faults of the writer (log scale; 0 drawn at 1)"
    set yrange [0.8:*]
    set key at graph 0.98, graph 0.45 right top font ",11"
    plot for [i=0:STATS_blocks-1] data index i using 1:($5 > 0 ? $5 : 1):(mode_rgb($6)) \
         with linespoints lc rgb variable lw 2 pt (i+4) ps 1.3 dashtype 1+(i >= solid) \
         title columnheader(1)
    unset multiplot
    set output
}
