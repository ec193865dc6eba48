#!/usr/bin/env bash
# Site benchmark: journal build-site against Hugo and the cmark-gfm floor on a synthetic
# journal of N articles (about 55 KB of Markdown each: front matter, tables, footnotes)
# in several hundred issues; then the search index (Pagefind, search: true) on top: its
# build time, memory and size. The comparison with Hugo is made with search: false. Builds journal (Release) into build-bench/, installs hugo,
# cmark-gfm and GNU time through apt-get when missing, generates the journal once per
# N and generator (bench/gen_site_journal.py) into a scratch folder outside the repository,
# and prints wall times (median of RUNS), peak resident memory and the ratios. The cold build
# and Hugo run in turn, and their ratio is also given run by run (the load of a shared
# machine drifts).
# Without the PDF galleys (--no-pdf), which bench/pdf.sh measures.
# Usage: bench/site.sh [N]          (default 1000)
# Environment: RUNS (3), JOURNAL_BENCH_DIR (${TMPDIR:-/tmp}/journal-bench-site), SEED,
# JOURNAL_BENCH_OUT (where the three tools write their output; default: the data folder, e.g.
# /dev/shm to take the file system's cost of creating thousands of files out of the figures).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
runs=${RUNS:-3}
seed=${SEED:-20261123}
scratch=${JOURNAL_BENCH_DIR:-${TMPDIR:-/tmp}/journal-bench-site}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/site.sh [N]" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "site.sh: RUNS must be a positive number" >&2; exit 2; }

# ---- what it needs (Debian packages, as scripts/install-deps does), and journal ----
name=site.sh
. "$root/bench/lib.sh"
bench_install build-essential cmake pkg-config git python3 hugo cmark-gfm time

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bench_build_journal build-bench "$tmp/build.log"
# Pagefind, pinned (tools/pagefind), for the search index: installed as scripts/install-deps does.
"$root/scripts/install-deps"

# ---- the synthetic journal, generated once per N, seed, generator and what it copies ----
key=$({ cat "$root/bench/gen_site_journal.py" "$root/journal.yaml"
        find "$root/themes" "$root/pages" -type f -print0 | sort -z | xargs -0 cat; } |
      sha256sum | cut -c1-12)
data=$scratch/n$n-s$seed-$key
if [ ! -f "$data/.complete" ]; then
    echo "site.sh: generating $n articles into $data" >&2
    rm -rf "$data"
    mkdir -p "$scratch"
    /usr/bin/python3 "$root/bench/gen_site_journal.py" "$data" "$n" --seed "$seed" --repo "$root"
    git -C "$data/journal" rev-parse HEAD >"$data/.commit"
    touch "$data/.complete"
fi
jdir=$data/journal
hdir=$data/hugo
# Back to the generated commit: the warm runs of a previous invocation committed edits.
git -C "$jdir" reset -q --hard "$(cat "$data/.commit")"
git -C "$jdir" clean -qfdx
# set_search true|false: journal.yaml's search setting, committed. The pages are compared with
# Hugo's without the search index, which Hugo does not make; the index is measured after them.
set_search() {
    sed -i '/^search:/d' "$jdir/journal.yaml"
    echo "search: $1" >>"$jdir/journal.yaml"
    git -C "$jdir" -c user.name=Bench -c user.email=bench@example.org -c commit.gpgsign=false \
        commit -qam "search: $1"
}
set_search false
rm -rf "$hdir/layouts" "$hdir/hugo.toml"
cp -r "$root/bench/hugo/." "$hdir/"

# ---- measuring ----
# timed LABEL CMD...: runs CMD under GNU time; T = wall time in microseconds (from date,
# finer than time's 10 ms), R = peak RSS in KiB (the largest process of the tree).
timed() {
    local label=$1 s e
    shift
    s=$(date +%s%N)
    if ! /usr/bin/time -f %M -o "$tmp/rss" "$@" >"$tmp/out" 2>"$tmp/err"; then
        echo "site.sh: $label failed: $*" >&2
        cat "$tmp/err" "$tmp/out" >&2
        exit 3
    fi
    e=$(date +%s%N)
    T=$(((e - s) / 1000))
    R=$(tail -n 1 "$tmp/rss")
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
maxof() { printf '%s\n' "$@" | sort -n | tail -n 1; }
declare -A time_of rss_of all_of
record() { # NAME TIMES... RSS...: the median, the runs and the peak of what bench measured
    local name=$1 ts rs
    shift
    ts=("${@:1:$runs}")
    rs=("${@:$((runs + 1))}")
    time_of[$name]=$(median "${ts[@]}")
    rss_of[$name]=$(maxof "${rs[@]}")
    all_of[$name]=$(printf '%s ' "${ts[@]}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.3f", (i > 1 ? " " : ""), $i / 1e6}')
}
# bench NAME PREPARE CMD...: PREPARE (a shell function) runs before each of the RUNS runs, untimed.
bench() {
    local name=$1 prepare=$2 i ts=() rs=()
    shift 2
    for ((i = 1; i <= runs; i++)); do
        "$prepare" "$i"
        timed "$name" "$@"
        ts+=("$T")
        rs+=("$R")
    done
    record "$name" "${ts[@]}" "${rs[@]}"
}
# bench_paired A PREPARE_A CMD_A B PREPARE_B CMD_B (CMD_*: names of arrays): A and B in turn,
# RUNS times. On a shared machine the load drifts over a minute; a ratio of two runs made
# seconds apart is steadier than one of medians taken minutes apart. PAIRED = the median of
# B / A over the pairs.
bench_paired() {
    local a=$1 prep_a=$2 b=$4 prep_b=$5 i ta=() ra=() tb=() rb=() ratios=()
    local -n cmd_a=$3 cmd_b=$6
    for ((i = 1; i <= runs; i++)); do
        "$prep_a" "$i"
        timed "$a" "${cmd_a[@]}"
        cp "$tmp/err" "$tmp/err.$a"
        ta+=("$T")
        ra+=("$R")
        "$prep_b" "$i"
        timed "$b" "${cmd_b[@]}"
        tb+=("$T")
        rb+=("$R")
        ratios+=("$(awk -v x="${tb[-1]}" -v y="${ta[-1]}" 'BEGIN {printf "%.4f", x / y}')")
    done
    record "$a" "${ta[@]}" "${ra[@]}"
    record "$b" "${tb[@]}" "${rb[@]}"
    PAIRED=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR] = $1} END {printf "%.2f", a[int((NR + 1) / 2)]}')
    PAIRED_ALL=$(printf '%s ' "${ratios[@]}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.2f", (i > 1 ? " " : ""), $i}')
}

# journal: cold = no output and no cache (.journal/: the index); warm = one article's body
# edited and committed after a build; no change = built again as is.
outroot=${JOURNAL_BENCH_OUT:-$data}
mkdir -p "$outroot"
if [ "$outroot" != "$data" ]; then
    trap 'rm -rf "$tmp" "$outroot/journal-site" "$outroot/hugo-site" "$outroot/cmark-out"' EXIT
fi
jout=$outroot/journal-site
cold_journal() { rm -rf "$jout" "$jdir/.journal"; }
edited=$(( (n + 1) / 2 ))
edit_journal() {
    printf '\nA sentence added for warm run %s of the site benchmark.\n' "$1" \
        >>"$jdir/submissions/$edited/manuscript.md"
    git -C "$jdir" -c user.name=Bench -c user.email=bench@example.org -c commit.gpgsign=false \
        commit -qam "Warm run $1: edit submission $edited"
}
nothing() { :; }
# Hugo: cold = no output, no resources/ and no file cache.
hout=$outroot/hugo-site
cold_hugo() { rm -rf "$hout" "$hdir/resources" "$hdir/.hugo_cache"; }
# cmark-gfm: every body rendered to its own file by one process each, on all cores.
cout=$outroot/cmark-out
cold_cmark() { rm -rf "$cout"; mkdir -p "$cout"; }
cat >"$tmp/cmark_all" <<'EOF'
#!/bin/sh
# cmark_all DIR OUT [K]: every DIR/*.md to OUT/*.html, one cmark-gfm process each, as many at a
# time as cores (K files handed to each shell, 32 by default).
find "$1" -name '*.md' -print0 |
    xargs -0 -P "$(nproc)" -n "${3:-32}" sh -c \
        'for f; do b=${f##*/}; cmark-gfm -e table -e footnotes "$f" >"$0/${b%.md}.html"; done' "$2"
EOF
chmod +x "$tmp/cmark_all"
# The cost of starting N cmark-gfm processes the same way on empty files: the floor less
# this is what the rendering itself costs.
mkdir -p "$tmp/empty"
for ((i = 1; i <= n; i++)); do : >"$tmp/empty/$i.md"; done
# And without process starts: the bodies concatenated into one file per core, one process each
# (each article's footnote labels then repeat within a file, which cmark-gfm resolves to one).
mkdir -p "$tmp/batches"
cores=$(nproc)
for ((i = 1; i <= n; i++)); do cat "$data/bodies/$i.md" >>"$tmp/batches/$((i % cores)).md"; done

echo "site.sh: measuring ($runs runs each)" >&2
# Journal cold and Hugo in turn (see bench_paired).
journal_cold_cmd=("$journal" -C "$jdir" build-site --draft --no-pdf -o "$jout")
hugo_cmd=(hugo --quiet --source "$hdir" --destination "$hout" --cacheDir "$hdir/.hugo_cache")
bench_paired journal-cold cold_journal journal_cold_cmd hugo cold_hugo hugo_cmd
jwarn=$(grep -iv '^$' "$tmp/err.journal-cold" || true)
jpages=$(find "$jout" -type f | wc -l)
jbytes=$(du -sb "$jout" | cut -f1)
bench journal-nochange nothing "$journal" -C "$jdir" build-site --draft --no-pdf -o "$jout"
bench journal-warm edit_journal "$journal" -C "$jdir" build-site --draft --no-pdf -o "$jout"
hpages=$(find "$hout" -type f | wc -l)
hbytes=$(du -sb "$hout" | cut -f1)
bench cmark-floor cold_cmark "$tmp/cmark_all" "$data/bodies" "$cout"
cpages=$(find "$cout" -type f | wc -l)
cbytes=$(du -sb "$cout" | cut -f1)
bench cmark-spawn cold_cmark "$tmp/cmark_all" "$tmp/empty" "$cout"
bench cmark-batch cold_cmark "$tmp/cmark_all" "$tmp/batches" "$cout" 1

# The search index: cold with search on, and after one edited article (its shard is made
# again); --verbose times Pagefind's part (PF: microseconds, one per run, the shards' runs
# added up).
set_search true
search_cmd=("$journal" -C "$jdir" build-site --draft --no-pdf --verbose -o "$jout")
pagefind_us() { awk '/for search \(Pagefind/ {t += $3 * 1000} END {printf "%d", t}' "$tmp/err"; }
search_runs() { # NAME PREPARE
    local name=$1 prepare=$2 i ts=() rs=()
    PF=()
    for ((i = 1; i <= runs; i++)); do
        "$prepare" "$i"
        timed "$name" "${search_cmd[@]}"
        ts+=("$T")
        rs+=("$R")
        PF+=("$(pagefind_us)")
    done
    record "$name" "${ts[@]}" "${rs[@]}"
}
search_runs journal-search-cold cold_journal
pf_cold=$(median "${PF[@]}")
spages=$(grep -o 'indexed [0-9]* pages' "$tmp/err" | awk '{t += $2} END {print t}')
sshards=$(grep -c 'for search (Pagefind' "$tmp/err")
sfiles=$(find "$jout/pagefind" -type f | wc -l)
sbytes=$(du -sb "$jout/pagefind" | cut -f1)
sentry=$(python3 -c 'import json,sys,collections; c=collections.Counter()
for sh in json.load(open(sys.argv[1]))["shards"]: c.update(sh["languages"])
print(", ".join("%s %d" % (k, v) for k, v in sorted(c.items())))' "$jout/pagefind/shards.json")
search_runs journal-search-warm edit_journal
pf_warm=$(median "${PF[@]}")
bench journal-search-nochange nothing "${search_cmd[@]}"

# ---- report ----
nissues=$(find "$jdir/issues" -name '*.yaml' | wc -l)
mdbytes=$(cat "$jdir"/submissions/*/manuscript.md | wc -c)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "== journal site benchmark =="
echo "machine:  $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(uname -sr)"
echo "versions: $("$journal" --version | head -n 1) (Release, build-bench/); hugo $(hugo version | awk '{print $2}'); $(cmark-gfm --version | head -n 1); git $(git --version | awk '{print $3}')"
echo "journal:  N = $n articles, $nissues issues, $(awk -v b="$mdbytes" 'BEGIN {printf "%.1f MB", b / 1e6}') of Markdown (manuscript.md with front matter), $(grep -m1 '^languages:' "$jdir/journal.yaml") (the repository's journal.yaml), seed $seed"
echo "data:     $data; output written to $outroot ($(df -T "$outroot" | awk 'NR == 2 {print $2}'))"
echo "runs:     median of $runs (all runs in brackets); cold = no output and no cache (journal: .journal/; Hugo: resources/ and --cacheDir), the OS page cache is warm"
[ -n "$jwarn" ] && echo "journal said: $jwarn"
echo
s() { awk -v t="$1" 'BEGIN {printf "%.3f", t / 1e6}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
jc=${time_of[journal-cold]}
row() { # name label files bytes
    local name=$1
    printf '%-38s %8s  %-26s %9s  %8s  %s\n' "$2" "$(s "${time_of[$name]}")" "[${all_of[$name]}]" \
        "$(mb "${rss_of[$name]}")" "$(ratio "${time_of[$name]}" "$jc")" "$3"
}
printf '%-38s %8s  %-26s %9s  %8s  %s\n' tool "wall s" runs "peak MiB" "/ j.cold" output
row journal-cold "journal build-site, cold" "$jpages files, $(awk -v b="$jbytes" 'BEGIN {printf "%.0f MB", b / 1e6}')"
row journal-warm "journal build-site, 1 article edited" "submission $edited, one commit before each run"
row journal-nochange "journal build-site, no change" ""
row hugo "hugo (Goldmark), cold" "$hpages files, $(awk -v b="$hbytes" 'BEGIN {printf "%.0f MB", b / 1e6}')"
row cmark-floor "cmark-gfm floor, 1 process per file" "$cpages files, $(awk -v b="$cbytes" 'BEGIN {printf "%.0f MB", b / 1e6}'), -e table -e footnotes"
row cmark-spawn "  of which starting $n processes" "cmark-gfm on $n empty files"
row cmark-batch "cmark-gfm, 1 process per core" "the bodies concatenated into $(nproc) files"
row journal-search-cold "journal build-site, cold, search: true" "pagefind/: $sfiles files, $(awk -v b="$sbytes" 'BEGIN {printf "%.1f MB", b / 1e6}') ($sshards shards, $spages pages read; indexed: $sentry)"
printf '%-38s %8s\n' "  of which Pagefind" "$(s "$pf_cold")"
row journal-search-warm "journal build-site, 1 edited, search" "the edited article's shard made again"
printf '%-38s %8s\n' "  of which Pagefind" "$(s "$pf_warm")"
row journal-search-nochange "journal build-site, no change, search" "the index kept"
echo
echo "ratios (targets for N = 1000 on 2 cores in brackets):"
printf '  journal cold / cmark-gfm floor             %7s    (<= 1.3)\n' "$(ratio "$jc" "${time_of[cmark-floor]}")"
printf '  journal cold / cmark-gfm, 1 process per core %5s    (the floor without process starts)\n' "$(ratio "$jc" "${time_of[cmark-batch]}")"
printf '  hugo / journal cold                        %7s    (>= 3; medians)\n' "$(ratio "${time_of[hugo]}" "$jc")"
printf '  hugo / journal cold, run by run            %7s    (>= 3; median of the pairs: %s)\n' "$PAIRED" "$PAIRED_ALL"
printf '  journal warm, 1 article edited             %7s ms (< 100 ms)\n' "$(awk -v t="${time_of[journal-warm]}" 'BEGIN {printf "%.0f", t / 1e3}')"
printf '  journal peak memory (cold)                 %7s MiB (< 100 MiB)\n' "$(mb "${rss_of[journal-cold]}")"
printf '  journal throughput (cold)                  %7s MB/s of Markdown\n' "$(awk -v b="$mdbytes" -v t="$jc" 'BEGIN {printf "%.1f", b / t}')"
