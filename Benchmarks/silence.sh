#!/usr/bin/env bash
# The cost of a silent network's steps (`Benchmarks/silent-after-kick.yaml`: fires for
# 300 ms, then silent): runs the scenario for 1 s and for D seconds, alternating, and prints
# each run phase and the run-phase seconds per simulated second after the first — the steps
# of the silence, where every conductance has decayed towards zero.
# Usage: BIN=path/to/neuroplast Benchmarks/silence.sh [rounds] [D seconds] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
long=${2:-8}
threads=${3:-1}
bin=${BIN:-.build/release/neuroplast}
[ -x "$bin" ] || swift build -c release --product neuroplast >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {   # prints the run phase [s] of a run of $1 seconds
  "$bin" run Benchmarks/silent-after-kick.yaml --set "time.duration=$1 s" --no-frames --threads "$threads" \
      --out "$out" --run-id "r$RANDOM$RANDOM" | sed -n 's/.*; build [0-9.]* s, run \([0-9.]*\) s.*/\1/p'
}
per=()
for i in $(seq 1 "$rounds"); do
  a=$(run 1); b=$(run "$long")
  p=$(awk -v a="$a" -v b="$b" -v d="$long" 'BEGIN {printf "%.3f", (b - a) / (d - 1)}')
  per+=("$p")
  echo "round $i: 1 s run $a s, $long s run $b s: $p s per silent second"
done
printf '%s\n' "${per[@]}" | sort -n | awk '{v[NR]=$1} END {printf "median %.3f s of run phase per simulated second of silence\n", (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
