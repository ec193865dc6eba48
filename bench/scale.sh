#!/usr/bin/env bash
# Scale benchmark: journal on a synthetic journal of N articles (default 100,000; about 55 KB
# of Markdown each, 3-5 per issue: bench/gen_site_journal.py, the journal only). Builds
# journal (Release) into build-bench-scale/, generates the journal once per N, seed and
# generator, then measures wall time and peak resident memory (GNU time) of:
#   journal stats       cold (no .journal/: builds the index), then warm (target: < 1 s)
#   journal stats --editorial, warm, text and --json (target: < 1 s)
#   journal list
#   journal build-site  cold (no output, no index), then after one article edited and committed
#                       (--no-pdf: the PDF galleys are bench/pdf.sh's)
#   journal stats       after that edit (the index refreshed for one changed submission)
# A step that fails (out of memory, a time limit) is reported and the rest still run.
# Usage: bench/scale.sh [N]        (default 100000)
# Environment: SEED; JOURNAL_BENCH_DIR (${TMPDIR:-/tmp}/journal-bench-site: the data, shared
# with bench/site.sh, whose data for the same N is used when present); JOURNAL_BENCH_OUT
# (where build-site writes; default: the data folder); JOURNAL_BENCH_MEM (virtual memory
# limit of each step in KiB, `ulimit -v`; default 80% of RAM, 0: none); JOURNAL_BENCH_TIMEOUT
# (seconds per step; default 7200).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
seed=${SEED:-20261123}
scratch=${JOURNAL_BENCH_DIR:-${TMPDIR:-/tmp}/journal-bench-site}
mem=${JOURNAL_BENCH_MEM:-$(awk '/MemTotal/ {printf "%d", $2 * 0.8}' /proc/meminfo)}
step_timeout=${JOURNAL_BENCH_TIMEOUT:-7200}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/scale.sh [N]" >&2; exit 2; }
[[ $mem =~ ^[0-9]+$ ]] || { echo "scale.sh: JOURNAL_BENCH_MEM must be KiB (0: no limit)" >&2; exit 2; }
[[ $step_timeout =~ ^[1-9][0-9]*$ ]] || { echo "scale.sh: JOURNAL_BENCH_TIMEOUT must be seconds" >&2; exit 2; }

# ---- what it needs (Debian packages, as scripts/install-deps does), and journal ----
name=scale.sh
. "$root/bench/lib.sh"
bench_install build-essential cmake pkg-config git python3 time

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bench_build_journal build-bench-scale "$tmp/build.log"

# ---- the synthetic journal, generated once per N, seed, generator and what it copies ----
# The same key as bench/site.sh: its data (the journal plus Hugo's copy) serves here too.
key=$({ cat "$root/bench/gen_site_journal.py" "$root/journal.yaml"
        find "$root/themes" "$root/pages" -type f -print0 | sort -z | xargs -0 cat; } |
      sha256sum | cut -c1-12)
data=$scratch/n$n-s$seed-$key
if [ ! -f "$data/.complete" ]; then
    data=$scratch/n$n-s$seed-$key-journal
fi
if [ ! -f "$data/.complete" ]; then
    echo "scale.sh: generating $n articles into $data (the journal only)" >&2
    rm -rf "$data"
    mkdir -p "$scratch"
    s=$(date +%s%N)
    /usr/bin/python3 "$root/bench/gen_site_journal.py" "$data" "$n" --seed "$seed" --repo "$root" \
        --journal-only
    e=$(date +%s%N)
    echo $(((e - s) / 1000000)) >"$data/.generated_ms"
    git -C "$data/journal" rev-parse HEAD >"$data/.commit"
    touch "$data/.complete"
fi
jdir=$data/journal
# Back to the generated commit: the edit of a previous invocation was committed. clean -x
# also removes .journal/ (the index), so the first stats is cold.
git -C "$jdir" reset -q --hard "$(cat "$data/.commit")"
git -C "$jdir" clean -qfdx

# ---- measuring ----
# timed NAME CMD...: runs CMD under GNU time with the memory and time limits; never fails.
# Sets T (wall, microseconds, from date: finer than time's 10 ms), R (peak RSS in KiB, the
# largest process of the tree) and S (ok, or how it failed); CMD's output is in $tmp/out.
declare -A time_of rss_of status_of
timed() {
    local name=$1 s e rc=0
    shift
    s=$(date +%s%N)
    (
        if [ "$mem" -gt 0 ]; then ulimit -v "$mem"; fi
        exec /usr/bin/time -f %M -o "$tmp/rss" timeout -k 10 "$step_timeout" "$@"
    ) >"$tmp/out" 2>"$tmp/err" || rc=$?
    e=$(date +%s%N)
    time_of[$name]=$(((e - s) / 1000))
    rss_of[$name]=$(tail -n 1 "$tmp/rss" 2>/dev/null || echo 0)
    if [ "$rc" -eq 0 ]; then
        status_of[$name]=ok
    elif [ "$rc" -eq 124 ]; then
        status_of[$name]="timed out after ${step_timeout} s"
    elif grep -q 'terminated by signal' "$tmp/rss" 2>/dev/null; then
        status_of[$name]="killed: $(grep -o 'signal [0-9]*' "$tmp/rss" | head -n 1) (6: abort, e.g. allocation failed; 9: the OOM killer)"
    else
        status_of[$name]="failed, exit status $rc"
    fi
    if [ "${status_of[$name]}" != ok ]; then
        echo "scale.sh: $name: ${status_of[$name]}" >&2
        tail -n 5 "$tmp/err" >&2
    fi
    echo "scale.sh: $name: $(awk -v t="${time_of[$name]}" 'BEGIN {printf "%.3f s", t / 1e6}'), ${rss_of[$name]} KiB, ${status_of[$name]}" >&2
}

outroot=${JOURNAL_BENCH_OUT:-$data}
mkdir -p "$outroot"
jout=$outroot/journal-site
rm -rf "$jout"
if [ "$outroot" != "$data" ]; then
    trap 'rm -rf "$tmp" "$jout"' EXIT
fi
edited=$(( (n + 1) / 2 ))

echo "scale.sh: measuring" >&2
timed stats-cold "$journal" -C "$jdir" stats
stats_headline=$(head -n 1 "$tmp/out")
timed stats-warm "$journal" -C "$jdir" stats
timed stats-json "$journal" -C "$jdir" --json stats
timed stats-editorial "$journal" -C "$jdir" stats --editorial
editorial_received=$(sed -n 2p "$tmp/out" | sed 's/^ *//')
timed stats-editorial-json "$journal" -C "$jdir" stats --editorial --json
timed list "$journal" -C "$jdir" list
list_lines=$(wc -l <"$tmp/out")
timed site-cold "$journal" -C "$jdir" build-site --draft --no-pdf -o "$jout"
site_files=$( [ -d "$jout" ] && find "$jout" -type f | wc -l || echo 0)
site_bytes=$( [ -d "$jout" ] && du -sb "$jout" | cut -f1 || echo 0)
printf '\nA sentence added for the rebuild of the scale benchmark.\n' \
    >>"$jdir/submissions/$edited/manuscript.md"
git -C "$jdir" -c user.name=Bench -c user.email=bench@example.org -c commit.gpgsign=false \
    commit -qam "Scale benchmark: edit submission $edited"
timed site-rebuild "$journal" -C "$jdir" build-site --draft --no-pdf -o "$jout"
# build-site refreshed the index already; to time the refresh itself, edit once more.
printf '\nAnother sentence.\n' >>"$jdir/submissions/$edited/manuscript.md"
git -C "$jdir" -c user.name=Bench -c user.email=bench@example.org -c commit.gpgsign=false \
    commit -qam "Scale benchmark: edit submission $edited again"
timed stats-edit "$journal" -C "$jdir" stats

# ---- report ----
nissues=$(git -C "$jdir" ls-tree --name-only "$(cat "$data/.commit")" issues/ | wc -l)
mdbytes=$(git -C "$jdir" ls-tree -r -l "$(cat "$data/.commit")" submissions/ |
          awk '/manuscript\.md$/ {s += $4} END {printf "%.0f", s}')
gitbytes=$(du -sb "$jdir/.git" | cut -f1)
indexbytes=$(du -sb "$jdir/.journal" 2>/dev/null | cut -f1 || echo 0)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
gen_ms=$(cat "$data/.generated_ms" 2>/dev/null || echo "")
s() { awk -v t="$1" 'BEGIN {printf "%.3f", t / 1e6}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
echo "== journal scale benchmark =="
echo "machine:  $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(uname -sr)"
echo "versions: $("$journal" --version | head -n 1) (Release, build-bench-scale/); git $(git --version | awk '{print $3}')"
echo "journal:  N = $n articles, $nissues issues, $(awk -v b="$mdbytes" 'BEGIN {printf "%.0f MB", b / 1e6}') of Markdown (manuscript.md with front matter), seed $seed"
echo "data:     $data (repository .git: $(awk -v b="$gitbytes" 'BEGIN {printf "%.0f MB", b / 1e6}')${gen_ms:+; generated in $(awk -v t="$gen_ms" 'BEGIN {printf "%.0f s", t / 1e3}')}); index .journal/: $(awk -v b="$indexbytes" 'BEGIN {printf "%.1f MB", b / 1e6}')"
echo "output:   $jout ($(df -T "$outroot" | awk 'NR == 2 {print $2}')); limits per step: $( [ "$mem" -gt 0 ] && echo "ulimit -v $mem KiB" || echo "no memory limit"), ${step_timeout} s"
echo "stats:    $stats_headline"
echo
row() { # name label note
    printf '%-44s %9s  %9s  %s\n' "$2" "$(s "${time_of[$1]}")" "$(mb "${rss_of[$1]}")" \
        "$( [ "${status_of[$1]}" = ok ] && echo "$3" || echo "FAILED: ${status_of[$1]}")"
}
printf '%-44s %9s  %9s  %s\n' step "wall s" "peak MiB" note
row stats-cold "journal stats, cold (builds the index)" "no .journal/"
row stats-warm "journal stats, warm" "target: < 1 s"
row stats-json "journal --json stats, warm" ""
row stats-editorial "journal stats --editorial, warm" "$editorial_received; target: < 1 s"
row stats-editorial-json "journal stats --editorial --json, warm" ""
row list "journal list" "$list_lines lines"
row site-cold "journal build-site, cold" "$site_files files, $(awk -v b="$site_bytes" 'BEGIN {printf "%.0f MB", b / 1e6}')"
row site-rebuild "journal build-site, 1 article edited" "submission $edited, committed"
row stats-edit "journal stats, 1 article edited" "the index refreshed for one submission"
