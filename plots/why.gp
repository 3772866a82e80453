# why.gp DATA OUT NPHASES - the attribution pass (scripts/why.py): a bar per sampled row,
# its samples' phases laid end to end from 0 to 100%, in the phase order of
# scripts/report/why_phases.py. The colour is the phase's, not the mode's: each row's label
# says whether it is threads or processes.
# DATA: a line per row and phase: y (0 at the bottom), the row's label, where the phase
# starts and ends along x (%), the phase's index.
# Words: the report defines them (scripts/report/why.py, through the catalogue): L_TITLE,
# L_XLABEL, L_P0 ... L_P{NPHASES-1} (the phases' names, in the legend); FONT, when the
# language needs one (style.gp).
load 'plots/style.gp'
eval render_png
set output ARG2.'.png'
set title L_TITLE
set xlabel L_XLABEL
set datafile separator "\t"
stats ARG1 using 1 nooutput
set yrange [-0.6:STATS_max + 0.6]
set xrange [0:100]
set xtics 0, 20, 100
set ytics nomirror scale 0
set grid xtics noytics
set key outside right top vertical Left reverse samplen 2
set style fill solid 0.9 border rgb "white"

# One colour per phase: user grey, then the memory phases' warm and cool colours, locks
# and TLB shootdowns dark, the scheduler and the rest of the kernel light.
array colour[10] = [0x9e9e9e, 0x1f77b4, 0xaec7e8, 0xd62728, 0xff9896, 0x9467bd, \
                    0x2b2b2b, 0x8c564b, 0x2ca02c, 0xdbdb8d]
phase_rgb(k) = colour[int(k) + 1]
NP = int(ARG3)
plot for [k=0:NP-1] NaN with boxes lc rgb phase_rgb(k) title value(sprintf("L_P%d", k)), \
     ARG1 using (($3 + $4) / 2):1:3:4:($1 - 0.36):($1 + 0.36):(phase_rgb($5)):ytic(2) \
         with boxxyerror lc rgb variable notitle
set output
eval render_svg; set output ARG2.'.svg'; replot
