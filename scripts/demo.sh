#!/usr/bin/env bash
# The README's main job: set up, build in release mode, and run the default scenario
# (Scenarios/baseline-pfc.yaml), writing frames, metrics and the summary under Output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product neuroplast
threads=$(nproc 2>/dev/null || echo 1)
./.build/release/neuroplast run Scenarios/baseline-pfc.yaml --threads "$threads" "$@"
