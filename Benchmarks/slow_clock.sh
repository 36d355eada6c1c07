#!/usr/bin/env bash
# The issue's slow-clock benchmark: the 14-day human ketamine protocol
# (Scenarios/ketamine-infusion-human.yaml) on a 10 000-neuron sheet (8 000 pyramidal,
# 1 200 PV, 800 SST; the sheet enlarged to 2.5 mm² so density and in-degree stay those of
# the 4 000-neuron scenario), no frames, wall time and peak RSS per run, then the median.
# Usage: [BIN=path/to/neuroplast] Benchmarks/slow_clock.sh [repeats] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-1}
threads=${2:-2}
bin=${BIN:-.build/release/neuroplast}
[ -x "$bin" ] || swift build -c release --product neuroplast >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
times=()
for i in $(seq 1 "$repeats"); do
  /usr/bin/time -f "%e %M" -o "$out/time" "$bin" run Scenarios/ketamine-infusion-human.yaml \
    --set populations.pyr.count=8000 --set populations.pv.count=1200 --set populations.sst.count=800 \
    --set "sheet.width=1581 um" --set "sheet.height=1581 um" \
    --no-frames --quiet --threads "$threads" --out "$out" --run-id "bench$i" > "$out/log"
  read -r secs kb < "$out/time"
  times+=("$secs")
  echo "run $i: ${secs} s wall, peak RSS $((kb / 1024)) MiB; $(grep -E 'neurons' "$out/log")"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "median %.1f s over %d run(s)\n", m, NR}'
