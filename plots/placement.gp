# placement.gp DATA OUT MODES PINS - what pinning changes: operations per second with one
# worker per PU, pinned compact or scatter, relative to unpinned, threads blue and
# processes red. DATA: a header line with each column's title, then a row per workload:
# workload and a ratio per column. MODES: per column, 0 thread or 1 process; PINS: per
# column, the rank of its policy (0 solid, then patterns).
# Words: the report defines them in its language (scripts/report/scale.py): L_TITLE,
# L_YLABEL; FONT (style.gp). Run alone, the script says them in English.
load 'plots/style.gp'
if (!exists("L_TITLE")) L_TITLE = "Placement with one worker per PU: pinned against unpinned (1 = no change)"
if (!exists("L_YLABEL")) L_YLABEL = "operations per second / unpinned"
data = ARG1
modes = ARG3
pins = ARG4
n = words(modes)
pattern(i) = int(word(pins, i)) == 0 ? 0 : int(word(pins, i)) + 3
eval render_png
set output ARG2.'.png'
set title L_TITLE
set ylabel L_YLABEL
set style data histogram
set style histogram cluster gap 1.5
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set key outside right top
set xtics nomirror rotate by -25 font ",13"
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "black" dt 2
# A fill style cannot be an expression: the plot command is written out, one clause a column.
cmd = "plot"
do for [i=1:n] {
    cmd = cmd.(i > 1 ? "," : "").sprintf(" data using %d%s lc rgb %d %s title columnheader(%d)", \
          i + 1, (i == 1 ? ":xtic(1)" : ""), mode_rgb(int(word(modes, i))), \
          (pattern(i) == 0 ? "" : sprintf("fs pattern %d", pattern(i))), i + 1)
}
eval cmd
set output
eval render_svg; set output ARG2.'.svg'; replot
