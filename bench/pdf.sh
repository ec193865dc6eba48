#!/usr/bin/env bash
# PDF galley benchmark: journal build-site typesetting every article's PDF (WeasyPrint) for the
# sample journal and for the site benchmark's synthetic corpus (bench/gen_site_journal.py,
# about 55 KB of Markdown an article) at N articles. For each: the cold build with PDFs and
# without (--no-pdf; the difference is the galleys' cost), the time per article and per page,
# the CPU time (user + system of journal and its WeasyPrint processes), the peak memory of the
# largest process GNU time reports and of one WeasyPrint process
# (sampled from /proc), and the build after one
# article is edited and committed (one galley typeset again). Builds journal (Release) into
# build-bench/. On a shared machine the figures are for comparing, not absolute.
# Usage: bench/pdf.sh [N]        (default 50)
# Environment: SEED; JOURNAL_BENCH_DIR (${TMPDIR:-/tmp}/journal-bench-pdf).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-50}
seed=${SEED:-20261123}
scratch=${JOURNAL_BENCH_DIR:-${TMPDIR:-/tmp}/journal-bench-pdf}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/pdf.sh [N]" >&2; exit 2; }

name=pdf.sh
. "$root/bench/lib.sh"
bench_install build-essential cmake pkg-config git python3 time poppler-utils
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_build_journal build-bench "$tmp/build.log"

# The peak resident set (VmHWM, KiB) of any WeasyPrint process while a build runs, sampled
# every 0.1 s into $tmp/engine-rss: one WeasyPrint's own peak, beside GNU time's %M (the
# largest of journal and every process it waited for, WeasyPrint's included: the kernel
# folds a reaped child's peak into its parent's). Only the children of the journal that GNU
# time (pid $1) runs (other builds on the machine may run WeasyPrint too), and of those only
# the Python ones, the drivers: Pagefind is journal's child too, and at N = 1,000 the larger.
sample_engines() {
    local max=0 pid hwm
    while :; do
        for pid in $(pgrep -P "$(pgrep -P "$1" | head -1)" 2>/dev/null || true); do
            case $(cat "/proc/$pid/comm" 2>/dev/null) in python*) ;; *) continue ;; esac
            hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
            [ -n "$hwm" ] && [ "$hwm" -gt "$max" ] && max=$hwm && echo "$max" >"$tmp/engine-rss"
        done
        sleep 0.1
    done
}

# timed LABEL CMD...: T = wall seconds, C = CPU seconds (user + system of journal and of every
# WeasyPrint it ran: the figure least affected by other work on the machine), R = peak resident
# MiB of the largest process that GNU time reports, E = peak resident MiB of one WeasyPrint
# process (sampled).
timed() {
    local label=$1 s e sampler
    shift
    echo 0 >"$tmp/engine-rss"
    s=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$@" >"$tmp/out" 2>"$tmp/err" &
    local run=$!
    sample_engines "$run" &
    sampler=$!
    if ! wait "$run"; then
        kill "$sampler" 2>/dev/null || true
        echo "$name: $label failed: $*" >&2
        cat "$tmp/err" "$tmp/out" >&2
        exit 3
    fi
    e=$(date +%s%N)
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    E=$(awk -v k="$(cat "$tmp/engine-rss")" 'BEGIN {printf "%.0f", k / 1024}')
    T=$(awk -v d=$((e - s)) 'BEGIN {printf "%.2f", d / 1e9}')
    R=$(tail -n 1 "$tmp/rss" | awk '{printf "%.0f", $1 / 1024}')
    C=$(tail -n 1 "$tmp/rss" | awk '{printf "%.2f", $2 + $3}')
}
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/out" "$1"; }
commit() { git -C "$1" -c user.name=Bench -c user.email=bench@example.org -c commit.gpgsign=false commit -qam "$2"; }

# measure LABEL JOURNAL_DIR: the rows of one journal.
measure() {
    local label=$1 jdir=$2 out=$tmp/site-$1
    rm -rf "$out" "$jdir/.journal"
    timed "$label no-pdf" "$journal" -C "$jdir" build-site --draft --no-pdf --json -o "$out"
    local t_nopdf=$T r_nopdf=$R c_nopdf=$C
    rm -rf "$out" "$jdir/.journal"
    timed "$label cold" "$journal" -C "$jdir" build-site --draft --json -o "$out"
    local t_cold=$T r_cold=$R e_cold=$E c_cold=$C articles pages
    articles=$(json typeset)
    pages=$(json typeset_pages)
    local first
    first=$(cd "$out/articles" && ls | sort -n | head -1)
    printf '\nA sentence added for the benchmark.\n' >>"$jdir/submissions/$first/manuscript.md"
    commit "$jdir" "Edit article $first"
    timed "$label rebuild" "$journal" -C "$jdir" build-site --draft --json -o "$out"
    local t_re=$T r_re=$R e_re=$E c_re=$C typeset_re
    typeset_re=$(json typeset)
    git -C "$jdir" reset -q --hard HEAD~1
    printf '%-10s %5s articles %6s pages | cold %7ss (no PDF %6ss) %5.2f s/article %5.3f s/page | CPU %7ss (no PDF %6ss) %5.2f s/article %5.3f s/page | peak %4s MiB (no PDF %4s), WeasyPrint %4s MiB | 1 edited: %5ss, CPU %5ss, %s typeset, %4s MiB, WeasyPrint %4s MiB | load %s\n' \
        "$label" "$articles" "$pages" "$t_cold" "$t_nopdf" \
        "$(awk -v a="$t_cold" -v b="$t_nopdf" -v n="$articles" 'BEGIN {print (a - b) / n}')" \
        "$(awk -v a="$t_cold" -v b="$t_nopdf" -v n="$pages" 'BEGIN {print (a - b) / n}')" \
        "$c_cold" "$c_nopdf" \
        "$(awk -v a="$c_cold" -v b="$c_nopdf" -v n="$articles" 'BEGIN {print (a - b) / n}')" \
        "$(awk -v a="$c_cold" -v b="$c_nopdf" -v n="$pages" 'BEGIN {print (a - b) / n}')" \
        "$r_cold" "$r_nopdf" "$e_cold" "$t_re" "$c_re" "$typeset_re" "$r_re" "$e_re" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "$name: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(weasyprint --version)" >&2

# The sample journal, committed in a scratch repository.
sample=$tmp/sample
mkdir -p "$sample"
cp -R "$root/journal.yaml" "$root/reviewers.yaml" "$root/submissions" "$root/issues" \
    "$root/pages" "$root/themes" "$sample/"
git -C "$sample" init -q
git -C "$sample" add -A
commit "$sample" "Sample journal"
measure sample "$sample"

# The synthetic corpus at N, generated once per N, seed and generator.
key=$({ cat "$root/bench/gen_site_journal.py" "$root/journal.yaml"
        find "$root/themes" "$root/pages" -type f -print0 | sort -z | xargs -0 cat; } |
      sha256sum | cut -c1-12)
data=$scratch/n$n-s$seed-$key
if [ ! -f "$data/.complete" ]; then
    echo "$name: generating $n articles into $data" >&2
    rm -rf "$data"
    mkdir -p "$scratch"
    /usr/bin/python3 "$root/bench/gen_site_journal.py" "$data" "$n" --seed "$seed" --repo "$root" \
        --journal-only
    touch "$data/.complete"
fi
measure "corpus-$n" "$data/journal"
