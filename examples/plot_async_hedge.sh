#!/bin/sh
# SPDX-License-Identifier: MIT
# Draws the Epps curves the async_hedge example writes as a PNG: the hedge ratio of q-day changes with its
# standard error for Brent on WTI and jet fuel on HO1, the daily Hayashi-Yoshida ratio as a dashed line
# (top), and the effectiveness R^2 (bottom). Needs gnuplot (Debian: gnuplot-nox). Exit status 77 when
# the CSV is absent (the example was skipped for lack of data).
#
#   examples/plot_async_hedge.sh [async_hedge_epps.csv [async_hedge_epps.png]]
set -eu
csv=${1:-async_hedge_epps.csv}
png=${2:-${csv%.csv}.png}
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "plot_async_hedge: gnuplot not found (Debian: apt-get install gnuplot-nox)" >&2
  exit 1
fi
if [ ! -r "$csv" ]; then
  echo "plot_async_hedge: skipped: cannot read $csv (run the async_hedge example with the data first)"
  exit 77
fi
gnuplot <<GNUPLOT
set terminal pngcairo size 1100,800 font "DejaVu Sans,11"
set output "$png"
set datafile separator ","
set logscale x
set xtics (1, 2, 5, 10, 20)
set xrange [0.8:25]
set grid
set key top left
set multiplot layout 2,1 title "Epps curves: hedge ratio of q-day price changes (as-of aligned daily prices)"
set ylabel "hedge ratio h*(q)"
set yrange [0.4:1.2]
plot "$csv" using 3:(\$1==1?\$4:1/0):5 skip 1 with yerrorlines lw 2 lc rgb "#1f4e9c" title "Brent on WTI", \
     "$csv" using 3:(\$1==1?\$7:1/0) skip 1 with lines dt 2 lc rgb "#1f4e9c" title "Brent on WTI, Hayashi-Yoshida (daily)", \
     "$csv" using 3:(\$1==2?\$4:1/0):5 skip 1 with yerrorlines lw 2 lc rgb "#b5402a" title "jet fuel on HO1", \
     "$csv" using 3:(\$1==2?\$7:1/0) skip 1 with lines dt 2 lc rgb "#b5402a" title "jet fuel on HO1, Hayashi-Yoshida (daily)"
set key bottom right
set ylabel "effectiveness R^2(q)"
set xlabel "sampling interval q (days)"
set yrange [0:1]
plot "$csv" using 3:(\$1==1?\$6:1/0) skip 1 with linespoints lw 2 lc rgb "#1f4e9c" title "Brent on WTI", \
     "$csv" using 3:(\$1==2?\$6:1/0) skip 1 with linespoints lw 2 lc rgb "#b5402a" title "jet fuel on HO1"
unset multiplot
GNUPLOT
echo "plot_async_hedge: wrote $png"
