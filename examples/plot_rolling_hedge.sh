#!/bin/sh
# SPDX-License-Identifier: MIT
# Draws the CSV written by the rolling_hedge example as a PNG: the rolling and EWMA hedge ratios (top) and
# the rolling effectiveness R^2 (bottom). Needs gnuplot (Debian: gnuplot-nox).
#
#   examples/plot_rolling_hedge.sh [rolling_hedge.csv [rolling_hedge.png [title]]]
#
# The title names the hedge (rolling_hedge prints the command with it); by default the WTI pair.
set -eu
csv=${1:-rolling_hedge.csv}
png=${2:-${csv%.csv}.png}
title=${3:-WTI spot hedged with NYMEX CL1}
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "plot_rolling_hedge: gnuplot not found (Debian: apt-get install gnuplot-nox)" >&2
  exit 1
fi
if [ ! -r "$csv" ]; then
  echo "plot_rolling_hedge: cannot read $csv (run the rolling_hedge example first)" >&2
  exit 1
fi
gnuplot <<GNUPLOT
set terminal pngcairo size 1200,800 font "DejaVu Sans,11"
set output "$png"
set datafile separator ","
set xdata time
set timefmt "%Y-%m-%d"
set format x "%Y"
set autoscale xfix
set grid
set key top left
set multiplot layout 2,1 title "$title (daily price changes)"
set ylabel "hedge ratio h*"
set yrange [0:1.6]
plot "$csv" using 1:4 skip 1 with lines lw 1 lc rgb "#c0c0c0" title "EWMA, lambda 0.94", \
     "$csv" using 1:2 skip 1 with lines lw 2 lc rgb "#1f4e9c" title "rolling 250 days"
set ylabel "effectiveness R^2"
set yrange [0:1]
plot "$csv" using 1:3 skip 1 with lines lw 2 lc rgb "#2a7f2a" title "rolling 250 days"
unset multiplot
GNUPLOT
echo "plot_rolling_hedge: wrote $png"
