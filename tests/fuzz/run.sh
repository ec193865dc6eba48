#!/usr/bin/env bash
# Run one fuzz target for a while over a working copy of its seed corpus.
#   run.sh BINARY SEEDS WORKDIR SECONDS [-dict=FILE]
# The seeds are copied to WORKDIR (the source tree is never written); crash,
# leak, timeout and out-of-memory inputs are written to WORKDIR/../artifacts/.
set -euo pipefail
binary=$1 seeds=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work" "$work/../artifacts"
cp -r "$seeds"/. "$work"/
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1
exec "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/../artifacts/$(basename "$binary")-" \
    "$@" "$work"
