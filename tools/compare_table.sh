#!/usr/bin/env bash
# Prints the comparison benchmark's JSON (bench/simdact_compare --json) as
# the README's Markdown table: per kernel and size, simdact / fastest peer
# (named), and simdact forced to avx2 / the same peer where it was run; at
# 64 MiB also simdact / the memory roof ("copy", which is not a peer).
# Needs jq.
#   tools/compare_table.sh build/compare/compare.json
set -euo pipefail
json=${1:?usage: tools/compare_table.sh COMPARE.json}
jq -r '
  # x with two decimals.
  def two: (. * 100 | round) as $c
    | ($c % 100 | tostring | if length < 2 then "0" + . else . end) as $cents
    | "\($c / 100 | floor).\($cents)";
  def cell:
    .elements_per_ns as $e
    | ($e | to_entries
       | map(select((.key | startswith("simdact") | not) and .key != "copy"))
       | max_by(.value)) as $best
    | "\($e.simdact / $best.value | two) (\($best.key))"
      + (if $e["simdact-avx2"] then
           " · avx2 \($e["simdact-avx2"] / $best.value | two)"
         else "" end)
      + (if .size == "64MiB" and $e.copy then
           " · copy \($e.simdact / $e.copy | two)"
         else "" end);
  .results as $results
  | "| kernel | 4 KiB (L1) | 256 KiB (L2) | 64 MiB (DRAM) |",
    "|---|---|---|---|",
    ($results | map(.name)
     | reduce .[] as $n ([]; if index([$n]) then . else . + [$n] end)
     | .[] as $name
     | "| \($name) | "
       + ([("4KiB", "256KiB", "64MiB") as $size
           | [$results[] | select(.name == $name and .size == $size)]
           | if length == 0 then "n/a" else (.[0] | cell) end]
          | join(" | "))
       + " |")
' "$json"
