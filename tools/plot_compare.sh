#!/usr/bin/env bash
# Draws the comparison benchmark's JSON (bench/simdact_compare --json) as a PNG:
# grouped bars of elements/ns per kernel and library at the L1 size (4 KiB),
# log scale. Needs jq and gnuplot (Debian: jq gnuplot-nox).
#   tools/plot_compare.sh build/compare/compare.json docs/compare.png
set -euo pipefail
json=${1:?usage: tools/plot_compare.sh COMPARE.json OUT.png}
png=${2:?usage: tools/plot_compare.sh COMPARE.json OUT.png}
size=${SIZE:-4KiB}
data=$(mktemp)
trap 'rm -f "$data"' EXIT

# One row per kernel, one column per library ("-" where it has none).
jq -r --arg size "$size" '
  [.libraries[].name] as $libs
  | (["kernel"] + $libs | @tsv),
    (.results[] | select(.size == $size) | . as $r
     | [$r.name] + [$libs[] | ($r.elements_per_ns[.] // "-" | tostring)] | @tsv)
' "$json" >"$data"
libs=$(head -1 "$data" | tr '\t' '\n' | tail -n +2 | wc -l)
cpu=$(jq -r .cpu "$json")
# "avx2": everyone was limited to AVX2 (simdact_compare --isa avx2).
[[ $(jq -r '.isa // "native"' "$json") == avx2 ]] && cpu="$cpu, all limited to AVX2"

gnuplot <<GP
set terminal pngcairo size 1600,760 font ",11" noenhanced
set output "$png"
set title "simdact vs peers, one thread, $size buffers (L1), $cpu: elements/ns (log scale, higher is better)"
set datafile separator "\t"
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [0.1:100]
set ylabel "elements / ns"
set grid ytics
set xtics rotate by -40 left
set key top right horizontal
set bmargin 11
set rmargin 22
plot for [i=2:$((libs + 1))] "$data" using i:xtic(1) title columnheader(i)
GP
echo "wrote $png"
