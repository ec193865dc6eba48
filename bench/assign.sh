#!/usr/bin/env bash
# Reviewer assignment benchmark: builds bench/assign.c with -O2 (or uses the binary
# given as $1) and runs it on the synthetic 5,000 x 2,000 journal.
# Usage: bench/assign.sh [BINARY] [reviewers submissions k capacity seed]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ $# -gt 0 && -x $1 && ! $1 =~ ^[0-9]+$ ]]; then
    bin=$1
    shift
else
    bin=$(mktemp -d)/assign
    trap 'rm -rf "$(dirname "$bin")"' EXIT
    gcc -std=c11 -O2 -DNDEBUG -Wall -Wextra -Werror -I"$root/src" \
        "$root/bench/assign.c" "$root/src/model/affinity.c" "$root/src/util/assign.c" \
        "$root/src/util/alloc.c" "$root/src/util/error.c" "$root/src/util/strbuf.c" \
        -lstemmer -lm -o "$bin"
fi
"$bin" "$@"
