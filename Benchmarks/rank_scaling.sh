#!/usr/bin/env bash
# One network over MPI ranks on this machine: brunel-ai scaled to N neurons, run in one
# process and over 2 ranks with the same shards, layouts alternating round by round so that
# the machine's drift hits all. Prints, per layout, the median build and run time (as
# `neuroplast run` reports them), the largest peak RSS of any rank (`/usr/bin/time -f %M`
# around each rank) and the spikes exchanged per epoch.
# Usage: [LAYOUTS="1x1 1x2 2x1"] [SHARDS=2] Benchmarks/rank_scaling.sh [rounds] [neurons] [duration]
# (LAYOUTS: ranks x threads; SHARDS: --shards of every layout, at least the most ranks)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
neurons=${2:-100000}
duration=${3:-"300 ms"}
bin=${BIN:-.build/release/neuroplast}
[ -x "$bin" ] || swift build -c release --product neuroplast >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
E=$((neurons * 4 / 5)); I=$((neurons - E))
args=(run Scenarios/brunel-ai.yaml --set "populations.E.count=$E" --set "populations.I.count=$I"
      --set "time.duration=$duration" --set "time.transient=100 ms" --no-frames --quiet --shards "${SHARDS:-2}" --out "$out")
read -r -a _l <<< "${LAYOUTS:-1x1 1x2 2x1}"; layouts=(); for x in "${_l[@]}"; do layouts+=("${x/x/ }"); done
declare -A build run rss
for i in $(seq 1 "$rounds"); do
  for l in "${layouts[@]}"; do
    read -r ranks threads <<< "$l"
    id="r$ranks-t$threads-$i"
    # Each rank's peak RSS into its own file (rss.<rank>).
    rm -f "$out"/rss.*
    timed=(sh -c '/usr/bin/time -f "%M" -o "$0.${PMI_RANK:-0}" "$@"' "$out/rss" "$bin" "${args[@]}" --threads "$threads" --run-id "$id")
    if [ "$ranks" = 1 ]; then log=$("${timed[@]}" 2>&1); else log=$(mpiexec -n "$ranks" "${timed[@]}" 2>&1); fi
    b=$(sed -n 's/.*build \([0-9.]*\) s, run \([0-9.]*\) s.*/\1/p' <<< "$log")
    r=$(sed -n 's/.*build \([0-9.]*\) s, run \([0-9.]*\) s.*/\2/p' <<< "$log")
    m=$(cat "$out"/rss.* | sort -n | tail -1)
    spikes=$(sed -n 's/.* synapses, \([0-9]*\) spikes.*/\1/p' <<< "$log")
    synapses=$(sed -n 's/.* neurons, \([0-9]*\) synapses.*/\1/p' <<< "$log")
    epoch=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["clock"]["epoch_steps"], m["clock"]["dt_ms"], m["clock"]["duration_ms"])' \
            "$out/brunel-ai/$id/manifest.json")
    build[$l]+="$b "; run[$l]+="$r "; rss[$l]+="$m "
    echo "round $i: $ranks rank(s) × $threads thread(s): build $b s, run $r s, peak RSS per rank $((m / 1024)) MB"
    rm -rf "${out:?}/brunel-ai/$id"
  done
done
med() { printf '%s\n' $1 | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
read -r es dt dur <<< "$epoch"
per_epoch=$(awk -v s="$spikes" -v es="$es" -v dt="$dt" -v d="$dur" 'BEGIN {printf "%.0f", s / (d / (es * dt))}')
echo "$neurons neurons, $synapses synapses, $spikes spikes in $dur ms; epoch $es steps; $per_epoch spikes exchanged per epoch"
echo "| ranks × threads | build (median) | run (median) | peak RSS per rank |"
echo "|---|---|---|---|"
for l in "${layouts[@]}"; do
  read -r ranks threads <<< "$l"
  echo "| $ranks × $threads | $(med "${build[$l]}") s | $(med "${run[$l]}") s | $(( $(med "${rss[$l]}" | cut -d. -f1) / 1024 )) MB |"
done
