#!/usr/bin/env bash
# The parallel kernel, the worker gangs, the shard actors, formation's parallel distance
# factors and the determinism checks under a sanitizer: ThreadSanitizer by default (where a
# data race of the Dispatch kernel or the actors would hide), AddressSanitizer with
# `address`. A separate build folder per sanitizer (.build-tsan, .build-asan), so the
# ordinary build is untouched. Any report fails the run.
#
#   bash scripts/sanitizers.sh [thread|address]
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-thread}"
case "$kind" in
  thread) dir=.build-tsan ;;
  address) dir=.build-asan ;;
  *) echo "usage: bash scripts/sanitizers.sh [thread|address]" >&2; exit 64 ;;
esac
filter='KernelTests|DeterminismTests|FrameDeterminismTests|CheckpointTests|PackedArrayTests|FormationTests'
swift build --build-tests --sanitize="$kind" --scratch-path "$dir" 2>&1 | tail -1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}" ASAN_OPTIONS="detect_leaks=0 ${ASAN_OPTIONS:-}" \
    swift test --skip-build --sanitize="$kind" --scratch-path "$dir" --filter "$filter" > "$log" 2>&1 || status=$?
grep -E "Test run with|Executed [0-9]+ tests|✘|WARNING: ThreadSanitizer|ERROR: AddressSanitizer|SUMMARY" "$log" | tail -8
if grep -qE "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log"; then
    # The first report in full: both stacks and where the memory came from.
    sed -n '/WARNING: ThreadSanitizer\|ERROR: AddressSanitizer/,/^SUMMARY/p' "$log" | head -120 >&2
    echo "$kind sanitizer reported a problem (its first report above)" >&2
    status=1
fi
exit "$status"
