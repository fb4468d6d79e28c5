#!/bin/sh
# SPDX-License-Identifier: MIT
# Draws the ratios written by the dynamic_hedge_comparison example as one PNG, a panel per market: expanding
# OLS, the Kalman filter, the error-correction model and DCC-GARCH, each as held day by day out of sample.
# Needs gnuplot (Debian: gnuplot-nox).
#
#   examples/plot_dynamic_hedge.sh [prefix [out.png]]     (reads <prefix>_wti.csv, _jetfuel.csv, _henryhub.csv)
set -eu
prefix=${1:-dynamic_hedge}
png=${2:-${prefix}.png}
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "plot_dynamic_hedge: gnuplot not found (Debian: apt-get install gnuplot-nox)" >&2
  exit 1
fi
for market in wti jetfuel henryhub; do
  if [ ! -r "${prefix}_${market}.csv" ]; then
    echo "plot_dynamic_hedge: cannot read ${prefix}_${market}.csv (run dynamic_hedge_comparison first)" >&2
    exit 1
  fi
done
gnuplot <<GNUPLOT
set terminal pngcairo size 1400,1100 font "DejaVu Sans,11"
set output "$png"
set datafile separator ","
set xdata time
set timefmt "%Y-%m-%d"
set format x "%Y"
set autoscale xfix
set grid
set key top left horizontal
set ylabel "hedge ratio"
set multiplot layout 3,1 title "Out-of-sample hedge ratios: OLS vs Kalman, ECM and DCC-GARCH (daily price changes)"
do for [market in "wti jetfuel henryhub"] {
  file = "${prefix}_".market.".csv"
  set title (market eq "wti" ? "WTI spot / CL1" : (market eq "jetfuel" ? "Gulf jet fuel / HO1" : "Henry Hub / NG1"))
  set yrange [market eq "henryhub" ? -0.5 : 0 : market eq "henryhub" ? 1.5 : 1.6]
  plot file using 1:5 skip 1 with lines lw 1 lc rgb "#c0c0c0" title "Kalman", \
       file using 1:8 skip 1 with lines lw 1 lc rgb "#d08020" title "DCC", \
       file using 1:6 skip 1 with lines lw 2 lc rgb "#2a7f2a" title "ECM", \
       file using 1:4 skip 1 with lines lw 2 lc rgb "#1f4e9c" title "OLS expanding"
}
unset multiplot
GNUPLOT
echo "plot_dynamic_hedge: wrote $png"
