#!/usr/bin/env bash
# What this machine allows the kernel (Benchmarks/README.md, "What this machine allows"):
# the core clock under load, the round trip of a cache line between two cores (the least a
# step on two threads pays), and the neuron update's cost per neuron-step in Double against
# a Float state (an estimate for a Float32 mode). Builds the probes in a temporary folder.
# Usage: Benchmarks/machine_limits.sh [N neurons for the update probe]
set -euo pipefail
cd "$(dirname "$0")/limits"
n=${1:-4000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The release tier's target flags, as Package.swift picks them.
flags=()
if grep -q avx512f /proc/cpuinfo && grep -q avx512vl /proc/cpuinfo; then
  if grep -q AuthenticAMD /proc/cpuinfo && grep -q avx512_bf16 /proc/cpuinfo; then cpu=znver4; else cpu=skylake-avx512; fi
  flags=(-target-cpu "$cpu" -Xcc -Xclang -Xcc -target-feature -Xcc -Xclang -Xcc -prefer-256-bit)
elif grep -q avx2 /proc/cpuinfo && grep -q fma /proc/cpuinfo; then
  flags=(-target-cpu haswell)
fi
cc -O2 -o "$tmp/clock" clock.c
cc -O2 -pthread -o "$tmp/handoff" handoff.c
swiftc -Ounchecked -wmo "${flags[@]}" -o "$tmp/update_precision" update_precision.swift
echo "== core clock under load (dependent multiplies), cpu 0"
taskset -c 0 "$tmp/clock"
echo "== cache-line round trip between cpu 0 and cpu 1"
"$tmp/handoff" 0 1
echo "== neuron update, Double state against Float state, N = $n, cpu 0"
taskset -c 0 "$tmp/update_precision" "$n"
