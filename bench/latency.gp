# Latency against load from bench/run.sh's sweep.dat.
# gnuplot -e "datafile='sweep.dat'; outfile='plot.png'" bench/latency.gp
set terminal pngcairo size 900,560 font "sans,10"
set output outfile
set title "Chat, 100 rooms x 10 members, 10 senders, open loop: end-to-end latency against throughput"
set xlabel "deliveries per second (achieved)"
set ylabel "latency (ms, log scale)"
set logscale y
set grid
set key top left
set format x "%.0s%c"
plot datafile using 2:4 with linespoints lw 2 pt 7 title "parleyd p99", \
     datafile using 2:3 with linespoints lw 1 pt 6 dt 2 title "parleyd p50", \
     datafile using 5:7 with linespoints lw 2 pt 5 title "Redis p99", \
     datafile using 5:6 with linespoints lw 1 pt 4 dt 2 title "Redis p50"
