#!/usr/bin/env bash
# The inflammation module's cost: the human ketamine scenario on a 10 000-neuron sheet
# (as Benchmarks/slow_clock.sh) for `duration`, without and with inflammation (an LPS
# challenge, a 50 µm cytokine grid and 1 000 microglia), alternating A B A B … so that the
# machine's drift hits both; prints each wall time and the medians' ratio.
# Usage: Benchmarks/inflammation_overhead.sh [rounds] [duration] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
duration=${2:-12 h}
threads=${3:-2}
bin=${BIN:-.build/release/neuroplast}
[ -x "$bin" ] || swift build -c release --product neuroplast >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(run Scenarios/ketamine-infusion-human.yaml
        --set populations.pyr.count=8000 --set populations.pv.count=1200 --set populations.sst.count=800
        --set "sheet.width=1581 um" --set "sheet.height=1581 um" --set "slow_clock.duration=$duration"
        --no-frames --quiet --threads "$threads" --out "$out")
inflammation='inflammation={grid: 50 um, diffusion: 0.036 mm2/h, tau: 2 h, lps: [{at: 0 h, dose: 0.83 mg/kg}], microglia: {count: 1000}}'
a=(); b=()
for i in $(seq 1 "$rounds"); do
  /usr/bin/time -f "%e" -o "$out/ta" "$bin" "${common[@]}" --run-id "plain$i" > /dev/null
  /usr/bin/time -f "%e" -o "$out/tb" "$bin" "${common[@]}" --set "$inflammation" --run-id "infl$i" > /dev/null
  a+=("$(cat "$out/ta")"); b+=("$(cat "$out/tb")")
  echo "round $i: without ${a[-1]} s, with inflammation ${b[-1]} s"
done
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ma=$(med "${a[@]}"); mb=$(med "${b[@]}")
awk -v a="$ma" -v b="$mb" 'BEGIN {printf "median without %.1f s, with %.1f s: +%.1f %%\n", a, b, (b / a - 1) * 100}'
