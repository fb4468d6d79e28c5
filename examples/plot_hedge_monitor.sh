#!/bin/sh
# SPDX-License-Identifier: MIT
# Draws what the hedge_monitor example wrote as one PNG: for each hedge, the rolling 250-day correlation of
# daily changes with its 95% Fisher band, and the Bai-Perron break dates as vertical lines. Needs gnuplot
# (Debian: gnuplot-nox). Run in the folder holding hedge_monitor_*.csv.
#
#   examples/plot_hedge_monitor.sh [hedge_monitor.png]
set -eu
png=${1:-hedge_monitor.png}
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "plot_hedge_monitor: gnuplot not found (Debian: apt-get install gnuplot-nox)" >&2
  exit 1
fi
for name in wti jet_fuel henry_hub; do
  if [ ! -r "hedge_monitor_$name.csv" ] || [ ! -r "hedge_monitor_${name}_breaks.csv" ]; then
    echo "plot_hedge_monitor: cannot read hedge_monitor_$name.csv (run the hedge_monitor example first)" >&2
    exit 1
  fi
done
arrows() {  # one vertical line per break date of hedge $1
  tail -n +2 "hedge_monitor_${1}_breaks.csv" | while read -r d; do
    echo "set arrow from \"$d\", graph 0 to \"$d\", graph 1 nohead lw 2 lc rgb \"#b22222\" dt 2"
  done
}
{
  cat <<GNUPLOT
set terminal pngcairo size 1200,1000 font "DejaVu Sans,11"
set output "$png"
set datafile separator ","
set xdata time
set timefmt "%Y-%m-%d"
set format x "%Y"
set autoscale xfix
set grid
set key bottom left
set yrange [-0.2:1]
set ylabel "correlation"
set multiplot layout 3,1 title "Rolling 250-day correlation of daily changes, 95% band; dashed: Bai-Perron breaks (levels)"
GNUPLOT
  for pair in "wti:WTI spot vs CL1" "jet_fuel:Gulf jet fuel vs HO1" "henry_hub:Henry Hub spot vs NG1"; do
    name=${pair%%:*}
    title=${pair#*:}
    echo "unset arrow"
    arrows "$name"
    echo "set title \"$title\""
    echo "plot \"hedge_monitor_$name.csv\" using 1:3:4 skip 1 with filledcurves lc rgb \"#c6d7ef\" title \"95% band\", \\"
    echo "     \"hedge_monitor_$name.csv\" using 1:2 skip 1 with lines lw 1.5 lc rgb \"#1f4e9c\" title \"correlation\""
  done
  echo "unset multiplot"
} | gnuplot
echo "plot_hedge_monitor: wrote $png"
