# Latency against offered load from bench/run.sh's sweep.dat.
# gnuplot -e "datafile='sweep.dat'; outfile='plot.png'" bench/latency.gp
set terminal pngcairo size 900,560 font "sans,10"
set output outfile
set title "Chat, 100 rooms x 10 members, 10 senders, open loop: end-to-end latency against offered load"
set xlabel "offered messages per second (each reaches 9 members on parleyd, 10 subscribers on Redis)"
set ylabel "send-to-delivery latency (ms, log scale)"
set logscale y
set grid
set key top left
set format x "%.0s%c"
plot datafile using 1:4 with linespoints lw 2 pt 7 title "parleyd p99", \
     datafile using 1:3 with linespoints lw 1 pt 6 dt 2 title "parleyd p50", \
     datafile using 1:7 with linespoints lw 2 pt 5 title "Redis p99", \
     datafile using 1:6 with linespoints lw 1 pt 4 dt 2 title "Redis p50"
