#!/usr/bin/env bash
# The optimised build against the unoptimised one, bit for bit. `swift test` runs the debug
# build, where the update loop stays scalar; the release build vectorises it (8 lanes with
# AVX-512, 4 with AVX2) and runs it on worker gangs and shard actors. Both must give the same
# spikes and metrics, at every thread and shard count: baseline-pfc covers AMPA, NMDA with
# Mg²⁺ block, GABA_A, LIF and AdEx cells, Poisson drive and the sampled state sums.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift build -c release
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
args=(Scenarios/baseline-pfc.yaml --set "time.duration=300 ms" --set "time.transient=50 ms"
      --no-frames --quiet --out "$out")
.build/debug/neuroplast run "${args[@]}" --run-id debug > /dev/null
for cfg in "1 1" "2 1" "1 4" "2 2"; do
    set -- $cfg
    .build/release/neuroplast run "${args[@]}" --run-id "release-t$1-s$2" --threads "$1" --shards "$2" > /dev/null
done
status=0
for f in spikes.bin metrics.csv; do
    want=$(sha256sum < "$out/baseline-pfc/debug/$f")
    for run in "$out"/baseline-pfc/release-*; do
        if [ "$(sha256sum < "$run/$f")" != "$want" ]; then
            echo "release-matches-debug: $(basename "$run")/$f differs from the debug build's" >&2
            status=1
        fi
    done
done
[ $status -eq 0 ] && echo "release-matches-debug: spikes.bin and metrics.csv identical (debug; release at threads × shards 1×1, 2×1, 1×4, 2×2)"
exit $status
