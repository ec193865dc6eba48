#!/usr/bin/env bash
# Reviewer assignment benchmark: builds bench/assign.c with -O2 (or uses the binary
# given as $1) and runs it on the synthetic 5,000 x 2,000 journal.
# Usage: bench/assign.sh [BINARY] [reviewers submissions k capacity seed]
# MATCH=0 leaves out the name and institution rules (the figures before issue 16);
# CPU=1 times each step in CPU time rather than wall time (for a busy machine).
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
        "$root/src/model/namematch.c" "$root/src/model/surnames.c" "$root/src/util/unicode.c" \
        "$root/src/util/utf8.c" \
        $(pkg-config --cflags --libs icu-i18n icu-uc) -lpthread -lstemmer -lm -o "$bin"
fi
"$bin" "$@"
