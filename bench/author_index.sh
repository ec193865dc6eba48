#!/usr/bin/env bash
# The ICU cost of the site's author index at scale: builds bench/author_index.c with -O2 (or
# uses the binary given as $1) and runs it on the authors of N articles (default 100,000,
# bench/scale.sh's journal).
# Usage: bench/author_index.sh [BINARY] [articles seed]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ $# -gt 0 && -x $1 && ! $1 =~ ^[0-9]+$ ]]; then
    bin=$1
    shift
else
    bin=$(mktemp -d)/author_index
    trap 'rm -rf "$(dirname "$bin")"' EXIT
    gcc -std=c11 -O2 -DNDEBUG -Wall -Wextra -Werror -I"$root/src" \
        "$root/bench/author_index.c" "$root/src/model/namematch.c" "$root/src/util/unicode.c" \
        "$root/src/util/alloc.c" "$root/src/util/error.c" "$root/src/util/strbuf.c" \
        $(pkg-config --cflags --libs icu-i18n icu-uc) -lpthread -lstemmer -lm -o "$bin"
fi
"$bin" "$@"
