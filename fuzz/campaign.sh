#!/usr/bin/env bash
# Fuzz campaigns against Neuroplast's inputs.
#
#   bash fuzz/campaign.sh smoke        # CI: a short libFuzzer run, 200 structured cases per input kind and 20 runs
#   bash fuzz/campaign.sh long [RUNS] [CASES]   # maintainers: RUNS libFuzzer executions (default 10⁶),
#                                               # CASES structured cases per kind (default 2500)
#
# Two fuzzers: libFuzzer with AddressSanitizer over the scenario loader and the sweep-file
# decoder (fuzz/Target, coverage-guided, seeded with Scenarios/ and fuzz/corpus, with the
# schema's keys and units as a dictionary), and fuzz/structured.py, which mutates scenarios,
# sweep files, command-line flags and checkpoints and runs the real executable. A crash, a
# sanitizer report or a hang fails the campaign; its input is left in fuzz/findings/ to be
# turned into a file of fuzz/corpus (which `swift test` runs).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-smoke}"
runs="${2:-1000000}"
cases="${3:-2500}"
seed="${FUZZ_SEED:-$RANDOM}"
# The smoke run is CI's: fixed seeds, so that a finding there is one a developer can reproduce.
if [ "$mode" = smoke ]; then runs=5000; cases=200; seed="${FUZZ_SEED:-1}"; fi
findings=fuzz/findings
mkdir -p "$findings"

echo "== libFuzzer (AddressSanitizer): $runs executions"
swift build -c release --product neuroplast-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | grep -v "Cannot export local symbol" | tail -1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Seeds: the shipped scenarios and sweep files, and the regression corpus.
cp Scenarios/*.yaml "$work"/
for f in Scenarios/sweeps/*.yaml fuzz/corpus/scenarios/*.yaml fuzz/corpus/sweeps/*.yaml; do cp "$f" "$work/seed-$(basename "$f")"; done
# Foundation keeps some process-lifetime allocations that LeakSanitizer would report at exit,
# and allocation stack traces only slow the loop: both off (out-of-bounds access is still caught).
ASAN_OPTIONS="detect_leaks=0:malloc_context_size=0" \
.build-fuzz/release/neuroplast-fuzz -seed="$seed" -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=4096 \
    -dict=fuzz/scenario.dict -artifact_prefix="$findings/" -print_final_stats=1 "$work" 2>&1 \
    | grep -E "^#[0-9]+ +(DONE|INITED)|stat::number_of_executed_units|stat::average_exec_per_sec|ERROR|SUMMARY|Test unit written" || true
if ls "$findings"/crash-* "$findings"/timeout-* "$findings"/oom-* >/dev/null 2>&1; then
    echo "libFuzzer found inputs that crash or hang: $findings" >&2
    exit 1
fi

echo "== structured fuzzer: $cases cases each of scenarios, sweep files, flags and checkpoints"
swift build --product neuroplast 2>&1 | tail -1
bin=$(mktemp -d)
cp .build/debug/neuroplast "$bin"/ && cp -r .build/debug/*.resources "$bin"/
python3 fuzz/structured.py --bin "$bin/neuroplast" --mode all --cases "$cases" --seed "$seed" --out "$findings"
rm -rf "$bin"
