# ipc_throughput.gp PREFIX OUT TRANSPORTS WHERE PROCESS_TRANSPORTS - bytes per second against
# message size, log-log:
# processes (forked peer) on the left in reds, threads on the right in blues, one line per
# transport (its point type is the same in both panels), memcpy by one thread dashed black.
# PREFIX.MODE.TRANSPORT.dat and PREFIX.memcpy.dat: columns bytes median lo hi (bytes/s).
# WHERE says where the pair ran ("the pair on two cores", "unpinned"); PROCESS_TRANSPORTS
# are those with data between processes (the others get no key entry there).
load 'plots/style.gp'
prefix = ARG1
transports = ARG3
n = words(transports)
has(list, t) = strstrt(" ".list." ", " ".t." ") > 0
# Nine shades of the mode's colour, so each transport has its own line within the
# family: reds to oranges for processes, blues to teals for threads.
process_shades = "#7f0000 #b30000 #d7301f #ef6548 #fc8d59 #e7298a #ce1256 #980043 #fdae6b"
thread_shades = "#08306b #08519c #2171b5 #4292c6 #6baed6 #02818a #3690c0 #016c59 #9ecae1"
shade(m, i) = word(m eq "process" ? process_shades : thread_shades, (i - 1) % 9 + 1)
do for [format in "png svg"] {
    if (format eq "png") {
        set terminal pngcairo noenhanced size 1600,800 font "sans,13"
    } else {
        set terminal svg noenhanced size 1600,800 dynamic font "sans,13"
    }
    set output ARG2.'.'.format
    set multiplot layout 1,2 title "Throughput by message size, ".ARG4." (median, 95% interval)"
    set logscale xy
    set xtics ("8 B" 8, "64 B" 64, "512 B" 512, "4 KiB" 4096, "32 KiB" 32768, \
               "256 KiB" 262144, "1 MiB" 1048576, "4 MiB" 4194304)
    set format y "%.0s%cB/s"
    set xlabel "message size (log scale)"
    set ylabel "bytes per second (log scale)"
    set key bottom right font ",11"
    do for [m in "process thread"] {
        set title (m eq "process") ? "between two processes" : "between two threads"
        plot for [i=1:n] prefix.'.'.m.'.'.word(transports, i).'.dat' using 1:2:3:4 \
                 with yerrorlines lc rgb shade(m, i) lw 2 pt (i + 3) ps 1.2 \
                 title (m eq "thread" || has(ARG5, word(transports, i)) ? word(transports, i) : ""), \
             prefix.'.memcpy.dat' using 1:2 with linespoints lc rgb "black" dt 2 lw 2 pt 0 \
                 title "memcpy, one thread"
    }
    unset multiplot
    set output
}
