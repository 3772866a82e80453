# pool_failures.gp DATA OUT SETUP - C6 as a table a projector can show: what the caller
# sees for each way a task fails (rows), in a C thread pool, a C process pool and the
# notes' Python Pool (columns). DATA columns: col row class and four quoted lines of text;
# class 0 the caller is told and the pool goes on (blue), 1 the caller is told nothing
# or is gone with the process (orange), 2 not measured (grey): blue and orange, which
# every kind of colour vision tells apart, where red and green are not. SETUP: the report's
# set x2tics (column names) and set ytics (row names).
# Words: the report defines L_TITLE in its language (scripts/report/pool.py); FONT
# (style.gp). Run alone, the script says it in English.
load 'plots/style.gp'
if (!exists("L_TITLE")) L_TITLE = "C6: what the caller sees when a pool task fails"
# A cell's lines apart, in character heights (a language whose font has taller lines
# passes a smaller L_CELL_STEP).
cell_step = exists("L_CELL_STEP") ? L_CELL_STEP + 0 : 1.1
data = ARG1
cell_rgb(k) = (k == 0) ? 0xa6cee3 : (k == 1) ? 0xfdbf6f : 0xe6e6e6
eval render_png
set output ARG2.'.png'
stats data using 1 nooutput
ncol = STATS_max + 1
stats data using 2 nooutput
nrow = STATS_max + 1
unset border
unset grid
unset xtics
set x2tics scale 0 font ",14"
set ytics scale 0 font ",14"
if (ARGC >= 3) { eval ARG3 }
set xrange [-0.5:ncol - 0.5]
set x2range [-0.5:ncol - 0.5]
set yrange [nrow - 0.5:-0.5]
set lmargin 22
set tmargin 6
set title L_TITLE offset 0, 1.5
unset key
set style fill solid 1.0 border lc rgb "white"
plot data using 1:2:($1 - 0.5):($1 + 0.5):($2 - 0.5):($2 + 0.5):(cell_rgb($3)) \
         with boxxyerror lc rgb variable lw 3, \
     for [l=0:3] data using 1:2:(stringcolumn(4 + l)) \
         with labels offset 0, cell_step * (1.5 - l) font ",13"
set output
eval render_svg; set output ARG2.'.svg'; replot
