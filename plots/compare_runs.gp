# compare_runs.gp DATA OUT TITLES SCALES LABELS LEGEND - the key numbers of every claim across
# runs: a panel per claim, a pair of bars per run, thread blue and process red, whiskers
# the median's distribution-free interval (its coverage in LEGEND), – where a run lacks
# the pair. Drawn for a projector: 1920 wide,
# large type, runs numbered on the axis and named in a list under the panels.
# DATA: a block per panel (two blank lines between), a row per bar:
#   x mode(0 thread, 1 process) median lo hi missing_y (NaN, or where the – goes)
# TITLES: a quoted title per panel. SCALES: per panel, log(0/1) bottom top.
# LABELS: a quoted "#n  label" per run. LEGEND: what the bars and whiskers are, with the
# intervals' real coverage (93.75% with 5 repetitions, not 95%).
load 'plots/style.gp'
data = ARG1
titles = ARG3
scales = ARG4
labels = ARG5
panels = words(titles)
runs = words(labels)
cols = (panels < 4) ? panels : 4
rows = int(ceil(panels / real(cols)))
# Pixels: the figure's title, a row of panels (its title, up to three lines, and its
# axis), the run numbers under the bottom row, then the legend strip.
line_px = 40
legend_px = line_px * (runs + 1) + 20
height = 90 + 630 * rows + 80 + legend_px
bottom = real(legend_px + 80) / height
top = 1 - 200.0 / height
w = 0.18   # half a bar's width, in runs

# Whiskers are vectors with flat heads, not yerrorbars, which blank a dot at the median.
# A multiplot cannot be replotted: the whole figure is drawn once per terminal.
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo noenhanced size 1920,height font "sans,20"
    } else {
        set terminal svg noenhanced size 1920,height dynamic font "sans,20"
    }
    set output ARG2.'.'.fmt
    # The legend strip: what the colours mean, then which run each number is.
    unset label
    set label 1 "■ thread" at screen 0.02, screen (legend_px - 10.0) / height \
        textcolor rgb thread_rgb font ",22"
    set label 2 "■ process" at screen 0.12, screen (legend_px - 10.0) / height \
        textcolor rgb process_rgb font ",22"
    set label 3 ARG6 \
        at screen 0.23, screen (legend_px - 10.0) / height
    do for [j=1:runs] {
        set label (3 + j) word(labels, j) at screen 0.02, \
            screen (legend_px - 10.0 - line_px * j) / height
    }
    set multiplot layout rows,cols title "The key number of each claim, run by run" \
        font ",26" margins 0.05,0.98,bottom,top spacing 0.07,(200.0 / height)
    set style fill solid 0.85 border -1
    set xrange [0.4 : runs + 0.6]
    set xtics () nomirror
    do for [j=1:runs] { set xtics add (sprintf("#%d", j) j) }
    set grid ytics
    unset key
    do for [i=1:panels] {
        set title word(titles, i) font ",20"
        if (int(word(scales, 3 * i - 2))) {
            set logscale y
            set format y "%g"
        } else {
            unset logscale y
            set format y "%g"
        }
        lo = real(word(scales, 3 * i - 1))
        hi = real(word(scales, 3 * i))
        set yrange [lo : hi]
        plot data index (i - 1) using 1:3:($1 - w):($1 + w):(lo):3:(mode_rgb($2)) \
                 with boxxyerror lc rgb variable, \
             '' index (i - 1) using 1:4:(0):($5 - $4) with vectors heads size 0.08,90 \
                 lc rgb "black" lw 2, \
             '' index (i - 1) using 1:6:("–") with labels font ",40"
        # The legend strip is drawn once, with the first panel.
        if (i == 1) { unset label }
    }
    unset multiplot
    set output
}
