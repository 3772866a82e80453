# ipc_throughput.gp PREFIX OUT TRANSPORTS WHERE DRAWN PANELS - bytes per second against
# message size, log-log, one panel per peer kind: processes on the left in reds, threads on
# the right in blues, one line per transport (its point type is the same in every panel),
# memcpy by one thread dashed black.
# PREFIX.PANEL.TRANSPORT.dat and PREFIX.memcpy.dat: columns bytes median lo hi (bytes/s).
# WHERE says where the pair ran ("the pair on two cores", "unpinned"). PANELS: a word per
# panel, its mode ("process", "thread"), or mode-kind where a mode has several kinds.
# DRAWN: the panel:transport pairs with data (the others get no key entry).
load 'plots/style.gp'
prefix = ARG1
transports = ARG3
n = words(transports)
panels = (ARGC >= 6) ? ARG6 : "process thread"
has(list, t) = strstrt(" ".list." ", " ".t." ") > 0
# Nine shades of the mode's colour, so each transport has its own line within the
# family: reds to oranges for processes, blues to teals for threads.
process_shades = "#7f0000 #b30000 #d7301f #ef6548 #fc8d59 #e7298a #ce1256 #980043 #fdae6b"
thread_shades = "#08306b #08519c #2171b5 #4292c6 #6baed6 #02818a #3690c0 #016c59 #9ecae1"
shade(m, i) = word(m eq "process" ? process_shades : thread_shades, (i - 1) % 9 + 1)
mode_of(p) = (strstrt(p, "-") > 0) ? p[1:strstrt(p, "-") - 1] : p
kind_of(p) = (strstrt(p, "-") > 0) ? " (".p[strstrt(p, "-") + 1:].")" : ""
np = words(panels)
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size 800 * np,800 font "sans,13"
    } else {
        set terminal svg noenhanced size 800 * np,800 dynamic font "sans,13"
    }
    set output ARG2.'.'.format
    set multiplot layout 1,np title "Throughput by message size, ".ARG4." (median, 95% interval)"
    set logscale xy
    set xtics ("8 B" 8, "64 B" 64, "512 B" 512, "4 KiB" 4096, "32 KiB" 32768, \
               "256 KiB" 262144, "1 MiB" 1048576, "4 MiB" 4194304)
    set format y "%.0s%cB/s"
    set xlabel "message size (log scale)"
    set ylabel "bytes per second (log scale)"
    set key bottom right font ",11"
    do for [j=1:np] {
        p = word(panels, j)
        m = mode_of(p)
        set title ((m eq "process") ? "between two processes" : "between two threads").kind_of(p)
        plot for [i=1:n] prefix.'.'.p.'.'.word(transports, i).'.dat' using 1:2:3:4 \
                 with yerrorlines lc rgb shade(m, i) lw 2 pt (i + 3) ps 1.2 \
                 title (has(ARG5, p.":".word(transports, i)) ? word(transports, i) : ""), \
             prefix.'.memcpy.dat' using 1:2 with linespoints lc rgb "black" dt 2 lw 2 pt 0 \
                 title "memcpy, one thread"
    }
    unset multiplot
    set output
}
