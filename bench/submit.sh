#!/usr/bin/env bash
# Workflow commands at scale: M consecutive `journal submit` in a journal of N submissions
# (default 10,000 and 100,000; bench/gen_site_journal.py with manuscripts of about 4 KB,
# the journal only), the index warm as it is in use, then `assign`, `review` and `decide
# accept` on each of the last min(M, 20) submitted (one reviewer, committed to the roster
# first). Prints, per N and command, the wall time (p50, p99, max), the mean CPU time (user
# + system) and the load average before and after (the machine may be shared). Target
# (issue 18): a submission committed in under 150 ms (p99) at 10,000 and at 100,000.
# Builds journal (Release) into build-bench-submit/; the journal of each N is generated once
# per N, seed and generator into JOURNAL_BENCH_DIR (${TMPDIR:-/tmp}/journal-bench-submit)
# and put back to its generated commit before and after each run.
# Usage: bench/submit.sh [N...]        (default: 10000 100000)
# Environment: SUBMITS (M, default 50); SEED; JOURNAL_BIN (a journal binary to measure
# instead of building one, e.g. an older build for a before/after comparison).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seed=${SEED:-20261123}
m=${SUBMITS:-50}
scratch=${JOURNAL_BENCH_DIR:-${TMPDIR:-/tmp}/journal-bench-submit}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
for n in "${sizes[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/submit.sh [N...]" >&2; exit 2; }
done
[[ $m =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: SUBMITS must be a positive number" >&2; exit 2; }

name=submit.sh
. "$root/bench/lib.sh"
bench_install build-essential cmake pkg-config git python3 time

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${JOURNAL_BIN:-}" ]; then
    journal=$JOURNAL_BIN
else
    bench_build_journal build-bench-submit "$tmp/build.log"
fi

key=$({ cat "$root/bench/gen_site_journal.py" "$root/journal.yaml"
        find "$root/themes" "$root/pages" -type f -print0 | sort -z | xargs -0 cat; } |
      sha256sum | cut -c1-12)
git_bench() {
    git -C "$1" -c user.name=Bench -c user.email=bench@example.org -c commit.gpgsign=false "${@:2}"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }
# pct FILE P: the P-th percentile (nearest rank) of the numbers in FILE, one a line.
pct() { sort -n "$1" | awk -v p="$2" '{v[NR] = $1} END {r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r]}'; }
ms() { awk -v t="$1" 'BEGIN {printf "%.1f", t / 1000}'; }

# timed NAME CMD...: runs CMD, appending its wall time and CPU time (user + system), in
# microseconds, to $tmp/wall.NAME and $tmp/cpu.NAME; a failure ends the benchmark.
timed() {
    local name=$1 s e
    shift
    s=$(date +%s%N)
    /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; echo "submit.sh: $name failed: $*" >&2; exit 1; }
    e=$(date +%s%N)
    echo $(((e - s) / 1000)) >>"$tmp/wall.$name"
    awk '{printf "%d\n", ($1 + $2) * 1e6}' "$tmp/time" >>"$tmp/cpu.$name"
}

declare -a rows
for n in "${sizes[@]}"; do
    data=$scratch/n$n-s$seed-$key
    if [ ! -f "$data/.complete" ]; then
        echo "submit.sh: generating $n submissions into $data" >&2
        rm -rf "$data"
        mkdir -p "$scratch"
        /usr/bin/python3 "$root/bench/gen_site_journal.py" "$data" "$n" --seed "$seed" \
            --repo "$root" --journal-only --size 4000
        git -C "$data/journal" rev-parse HEAD >"$data/.commit"
        touch "$data/.complete"
    fi
    jdir=$data/journal
    git -C "$jdir" reset -q --hard "$(cat "$data/.commit")"
    git -C "$jdir" clean -qfd # keeps .journal/: the index stays warm between runs
    # The manuscript submitted M times: one of the journal's, outside it.
    cp "$jdir/submissions/1/manuscript.md" "$tmp/manuscript.md"
    echo "submit.sh: N = $n: bringing the index up to date" >&2
    "$journal" -C "$jdir" stats >/dev/null
    # One reviewer with room for every assignment, committed as an editor would.
    cat >"$jdir/reviewers.yaml" <<'YAML'
reviewers:
  - id: bench-reviewer
    name: Bench Reviewer
    email: reviewer@example.org
    affiliation: {name: Bench Institute, country: KZ}
    languages: [en, ru]
    keywords: [civil service]
    capacity: 100000
YAML
    git_bench "$jdir" commit -qam "Bench: a reviewer"
    echo "Sound work." >"$tmp/comments.md"
    load_before=$(load)
    for c in submit assign review decide; do : >"$tmp/wall.$c"; : >"$tmp/cpu.$c"; done
    for ((i = 1; i <= m; i++)); do
        timed submit "$journal" -C "$jdir" submit "$tmp/manuscript.md"
    done
    # The workflow on one manuscript, on the last min(M, 20) submitted.
    last_number=$(git -C "$jdir" log -1 --format=%s | sed -n 's/^Submit #\([0-9]*\):.*/\1/p')
    k=$((m < 20 ? m : 20))
    for ((s = last_number - k + 1; s <= last_number; s++)); do
        timed assign "$journal" -C "$jdir" assign "$s" --reviewer bench-reviewer \
            --override-conflict "bench"
        timed review "$journal" -C "$jdir" review "$s" --verdict accept \
            --comments "$tmp/comments.md" --as bench-reviewer
        timed decide "$journal" -C "$jdir" decide "$s" accept
    done
    load_after=$(load)
    last=$(git -C "$jdir" log -1 --format=%s)
    for c in submit assign review decide; do
        count=$(wc -l <"$tmp/wall.$c")
        cpu_mean=$(awk '{s += $1} END {printf "%d", s / NR}' "$tmp/cpu.$c")
        rows+=("$(printf '%-8s %-16s %8s %8s %8s %10s   %s -> %s' "$n" "$c x$count" \
            "$(ms "$(pct "$tmp/wall.$c" 50)")" "$(ms "$(pct "$tmp/wall.$c" 99)")" \
            "$(ms "$(pct "$tmp/wall.$c" 100)")" "$(ms "$cpu_mean")" "$load_before" "$load_after")")
    done
    echo "submit.sh: N = $n: last commit: $last" >&2
    git -C "$jdir" reset -q --hard "$(cat "$data/.commit")"
    git -C "$jdir" clean -qfd
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "== journal workflow commands at scale =="
echo "machine:  $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr)"
echo "versions: $("$journal" --version | head -n 1) ($journal)"
echo "journal:  bench/gen_site_journal.py --size 4000, seed $seed; index warm; times in ms"
printf '%-8s %-16s %8s %8s %8s %10s   %s\n' N command p50 p99 max "cpu mean" "load average before -> after"
printf '%s\n' "${rows[@]}"
