#!/bin/sh
# SPDX-License-Identifier: MIT
# Draws the CSV written by the delta_hedging_report example as a PNG: the hedging error of the CL1 call
# (standard deviation over the windows, % of the premium) against the rebalancing interval, beside Derman &
# Kamal's prediction sqrt(pi/4) vega sigma / sqrt(N). Needs gnuplot (Debian: gnuplot-nox).
#
#   examples/plot_delta_hedging.sh [delta_hedging_report.csv [delta_hedging_report.png]]
set -eu
csv=${1:-delta_hedging_report.csv}
png=${2:-${csv%.csv}.png}
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "plot_delta_hedging: gnuplot not found (Debian: apt-get install gnuplot-nox)" >&2
  exit 1
fi
if [ ! -r "$csv" ]; then
  echo "plot_delta_hedging: cannot read $csv (run the delta_hedging_report example first)" >&2
  exit 1
fi
gnuplot <<GNUPLOT
set terminal pngcairo size 1000,650 font "DejaVu Sans,11"
set output "$png"
set datafile separator ","
set title "Written 3-month ATM call on NYMEX CL1, delta hedged with the future (2 bp costs)"
set xlabel "rebalancing interval (trading days, log scale)"
set ylabel "hedging error: sd over windows, % of premium"
set logscale x
set xrange [0.8:30]
set xtics ("1" 1, "2" 2, "5 (weekly)" 5, "10" 10, "21 (monthly)" 21)
set yrange [0:*]
set grid
set key top left Left reverse box opaque samplen 3 spacing 1.3
set label 1 "above the dashed line: the error discrete rebalancing alone cannot explain\n(trailing vs realised volatility, jumps, roll gaps)" at graph 0.02, graph 0.78 left font ",10" tc rgb "#555555"
plot "$csv" using 1:2 skip 1 with linespoints lw 2 pt 7 ps 1.3 lc rgb "#1f4e9c" title "CL1: sd of the hedging error over the windows", \
     "$csv" using 1:3 skip 1 with linespoints lw 2 pt 5 ps 1.1 dt 2 lc rgb "#c0392b" title "Derman–Kamal: √(π/4)·vega·σ/√N (rebalancing error alone)"
GNUPLOT
echo "plot_delta_hedging: wrote $png"
