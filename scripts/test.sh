#!/usr/bin/env bash
# The README's test command: installs what the project needs (scripts/setup.sh), builds, runs
# the Swift tests (`swift test`: unit, CLI, the fuzz regression corpus, a local Slurm cluster)
# and the Python package's tests against real runs of the built simulator
# (scripts/python-tests.sh: h5py, libsonata, pynwb, nwbinspector, neo in a pinned venv).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test
bash scripts/python-tests.sh
