# pool_schedule.gp DATA OUT SETUP - the notes' Pool(3) as a timeline: which worker ran which
# task when, one group of lines per pool, each pool's from one real repetition, and the
# greedy in-order ideal of the same sleeps in grey. DATA columns: row task start_ms end_ms
# colour (row: the worker's line on the chart; colour 0 thread, 1 process, 2 ideal, 3 the
# moment join returned, drawn as a thin black bar, with task -1, or -2 on the line that
# also prints the makespan beside it).
# SETUP: gnuplot commands from the report: set ytics ("ideal, worker 0" 0, "worker 1" 1,
# ...), so a worker that ran no task still gets its line; and ideal = MS, where the ideal
# schedule ends (a dashed line across every group).
# Words: the report defines them in its language (scripts/report/pool.py): L_TITLE,
# L_XLABEL, L_IDEAL and L_MS (printf formats of a time in ms, "ideal %.1f ms", "%.1f ms");
# FONT (style.gp). Run alone, the script says them in English.
load 'plots/style.gp'
if (!exists("L_TITLE")) L_TITLE = "The notes' Pool(3): 10 tasks sleeping 0-30 ms on 3 workers (one real repetition each)"
if (!exists("L_XLABEL")) L_XLABEL = "time since the first submit (ms)"
if (!exists("L_IDEAL")) L_IDEAL = "ideal %.1f ms"
if (!exists("L_MS")) L_MS = "%.1f ms"
data = ARG1
ideal = 0
if (ARGC >= 3) { eval ARG3 }
ideal_rgb = 0x999999
box_rgb(c) = (c == 3) ? 0x000000 : (c == 2) ? ideal_rgb : mode_rgb(c)
eval render_png
set output ARG2.'.png'
stats data using 4 nooutput
xmax = (STATS_max > ideal ? STATS_max : ideal) * 1.13
stats data using 1 nooutput
set title L_TITLE
set xlabel L_XLABEL
set xrange [0:xmax]
# The first group (the ideal) on top, as a slide is read.
set yrange [STATS_max + 1.6:-0.8]
set ytics font ",13"
set style fill solid 0.8 border -1
unset key
if (ideal > 0) {
    set arrow 1 from ideal, graph 0 to ideal, graph 1 nohead dt 2 lw 2 lc rgb "#555555" front
    set label 1 sprintf(L_IDEAL, ideal) at ideal, graph 0 right offset -0.5, 0.8 \
        font ",13" tc rgb "#555555" front
}
plot data using (($3 + $4) / 2):1:3:4:($1 - 0.4):($1 + 0.4):(box_rgb($5)) \
         with boxxyerror lc rgb variable, \
     data using (($3 + $4) / 2):1:($2 >= 0 ? sprintf("%d", $2) : "") with labels font ",13" \
         tc rgb "white", \
     data using 4:1:($2 == -2 ? sprintf(L_MS, ($3 + $4) / 2) : "") with labels left \
         offset 0.5, 0 font ",13"
set output
eval render_svg; set output ARG2.'.svg'; replot
