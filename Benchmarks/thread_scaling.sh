#!/usr/bin/env bash
# Two threads against one on the fixed in-degree network (issue #2's scaling target),
# alternating 1 2 1 2 … so that the machine's drift hits both; prints each run-phase time
# and the medians' ratio.
# Usage: Benchmarks/thread_scaling.sh [rounds] [neurons] [case]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
neurons=${2:-64000}
case=${3:-fixed}
bin=${BIN:-.build/release/neuroplast}
[ -x "$bin" ] || swift build -c release --product neuroplast >/dev/null
one=(); two=()
for i in $(seq 1 "$rounds"); do
  for t in 1 2; do
    s=$("$bin" bench "$case" --neurons "$neurons" --threads "$t" --repeats 1 --json \
        | sed -n 's/^RESULT //p' | python3 -c 'import json,sys; print(json.load(sys.stdin)["run_s"])')
    if [ "$t" = 1 ]; then one+=("$s"); else two+=("$s"); fi
  done
  echo "round $i: 1 thread ${one[-1]} s, 2 threads ${two[-1]} s"
done
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
m1=$(med "${one[@]}"); m2=$(med "${two[@]}")
awk -v a="$m1" -v b="$m2" 'BEGIN {printf "median 1 thread %.3f s, 2 threads %.3f s: %.2fx\n", a, b, a / b}'
