#!/usr/bin/env bash
# The front desk under load: `journal serve` on loopback driven by wrk (Debian's wrk), bounded
# in time. Two parts:
#  1. Pages, at C connections for D seconds each, in a copy of the sample journal in which one
#     reviewer has accepted an invitation and one manuscript was submitted with `journal submit`
#     (its acknowledgement, in the outbox, carries the author's status link):
#       - the submission form (/submit: the theme, the countries, the open calls);
#       - an author's status page (/status/N/TOKEN: the record, the timeline);
#       - a reviewer's page (/review/N/TOKEN: the record read from git, the packet, the theme);
#       - a 404 (a wrong token: the same work up to the token check);
#       - the stylesheet (the cheapest page: the theme's file at HEAD);
#     printing requests per second, p50 and p99 latency, and the server's peak resident memory
#     (VmHWM, read after the runs).
#  2. Confirmations, in a journal of N submissions (10,000 and 100,000 by default; the journals
#     bench/submit.sh generates and keeps in JOURNAL_BENCH_DIR, generated here the same way if
#     missing, copied with cp -a so that they stay as they are): 2 x CONFIRMS submissions are
#     sent through the form and wait; then CONFIRMS confirmations are posted one after the
#     other (the latency of a confirmed submission: the 303 comes after the commit; p50, p99,
#     max) and CONFIRMS more from 8 clients at once (confirmed submissions per second); peak
#     memory of the server.
# Targets (issue 18, 2 cores): pages >= 5,000 requests/s with p99 < 20 ms at 64 connections;
# a confirmed submission committed in < 150 ms (p99) at 10,000 and 100,000; server memory
# < 50 MB at 64 connections.
#   bash bench/desk.sh [CONNECTIONS] [SECONDS]      (defaults: 64 connections, 10 s)
# Environment: DESK_BENCH_SIZES (default "10000 100000"; "" skips part 2), CONFIRMS (50),
# SEED, JOURNAL_BENCH_DIR, BENCH_KEY (the journals generated for another tree: the 12 hex
# digits ending their folder's name), JOURNAL_BIN (a journal binary to measure instead of
# building one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=desk.sh
. "$root/bench/lib.sh"
conns=${1:-64}
seconds=${2:-10}
confirms=${CONFIRMS:-50}
sizes=(${DESK_BENCH_SIZES-10000 100000})
seed=${SEED:-20261123}
scratch=${JOURNAL_BENCH_DIR:-${TMPDIR:-/tmp}/journal-bench-submit}
bench_install wrk curl python3
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
if [ -n "${JOURNAL_BIN:-}" ]; then
    journal=$JOURNAL_BIN
else
    bench_build_journal build-bench "$work/build.log"
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }
# link_from_outbox DB PATTERN: the first match of PATTERN (a Python regex) in the outbox's
# messages, newest first, decoded as the reader sees them.
link_from_outbox() {
    python3 - "$1" "$2" <<'PY'
import email, email.policy, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (raw,) in db.execute("select message from messages order by id desc"):
    msg = email.message_from_bytes(bytes(raw), policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            m = re.search(sys.argv[2], part.get_content())
            if m:
                print(m.group(0))
                sys.exit(0)
PY
}

J=$work/journal
mkdir -p "$J"
cp -R "$root/journal.yaml" "$root/reviewers.yaml" "$root/submissions" "$root/issues" \
    "$root/pages" "$root/themes" "$J/"
printf '/.journal/\n/_site/\n' >"$J/.gitignore"
g() { git -C "$J" -c user.name=Bench -c user.email=bench@example.org "$@"; }
g init -q && g add -A && g commit -qm "Sample journal"
"$journal" -C "$J" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
for _ in $(seq 200); do grep -q 'listening on' "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
base=$(sed -n 's|.*listening on \(http://[^ ]*\)/$|\1|p' "$work/serve.out")
[ -n "$base" ] || { cat "$work/serve.log" >&2; echo "$name: journal serve did not start" >&2; exit 1; }
printf 'desk_url: "%s/"\nmail_from_address: office@journal.example.org\n' "$base" >>"$J/journal.yaml"
g commit -qam "desk_url"

# An invitation with a link (the mail waits in the outbox: no SMTP here), then its acceptance.
number=11
reviewer=asel-bekova
"$journal" -C "$J" assign "$number" --reviewer "$reviewer" --override-conflict "benchmark" >/dev/null
token=$(link_from_outbox "$J/.journal/outbox.db" "/review/$number/[0-9a-f]{64}")
token=${token##*/}
[ -n "$token" ] || { echo "$name: no reviewer link in the outbox" >&2; exit 1; }
"$journal" -C "$J" assign "$number" --accept "$reviewer" >/dev/null
# A manuscript submitted with journal submit: the acknowledgement carries the status link.
cp "$root/submissions/1/manuscript.md" "$work/manuscript.md"
"$journal" -C "$J" submit "$work/manuscript.md" >"$work/submit.out"
status=$(link_from_outbox "$J/.journal/outbox.db" "/status/[0-9]+/[0-9a-f]{64}")
[ -n "$status" ] || { echo "$name: no status link in the outbox" >&2; exit 1; }

peak_kb() { awk '/VmHWM/ {print $2}' "/proc/$server/status"; }
run() { # LABEL PATH
    local label=$1 path=$2 out
    out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency "$base$path" 2>&1)
    local rps p50 p99 non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    printf '%-28s %10s req/s   p50 %8s   p99 %8s   %s\n' "$label" "$rps" "$p50" "$p99" \
        "${non2xx:+non-2xx: $non2xx}"
}
echo "== journal serve: pages =="
echo "machine: $(nproc) cores, $(uname -sr); $("$journal" --version | head -n 1)"
echo "journal serve on $base, $conns connections, $seconds s each, load $(load)"
run "submission form" /submit
run "author's status page" "$status"
run "reviewer's page" "/review/$number/$token"
run "wrong token (404)" "/review/$number/$(printf '0%.0s' $(seq 64))"
run "stylesheet" /style.css
echo "server peak memory: $(( $(peak_kb) / 1024 )) MiB (VmHWM), load after: $(load)"
kill "$server"
wait "$server" 2>/dev/null || true
server=

# --- confirmations in a journal of N submissions ---
[ ${#sizes[@]} -gt 0 ] || exit 0
key=${BENCH_KEY:-$({ cat "$root/bench/gen_site_journal.py" "$root/journal.yaml"
        find "$root/themes" "$root/pages" -type f -print0 | sort -z | xargs -0 cat; } |
      sha256sum | cut -c1-12)}
pct() { sort -n "$1" | awk -v p="$2" '{v[NR] = $1} END {r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r]}'; }
ms() { awk -v t="$1" 'BEGIN {printf "%.1f", t * 1000}'; }
field() { sed -n "s/.*name=\"$1\" value=\"\([0-9a-f]*\)\".*/\1/p" "$2" | head -1; }
printf '# Introduction\n\nCentral testing changed recruitment in the civil service.\n' >"$work/paper.md"
# send I: a submission through the form, from client address 10.0.I/256.I%256.
send() {
    local i=$1 xff="X-Forwarded-For: 10.0.$(($1 / 256)).$(($1 % 256))" f=$work/form.$1 code
    curl -s -m 60 -H "$xff" -o "$f" "$base/submit?lang=en"
    code=$(curl -s -m 60 -H "$xff" -o /dev/null -w '%{http_code}' -F csrf="$(field csrf "$f")" \
        -F form="$(field form "$f")" -F nauthors=1 -F "title=Desk benchmark paper $i" -F mlang=en \
        -F type=research-article -F "abstract=Abstract $i." -F "keywords=merit, recruitment" \
        -F a0_given=Bench -F "a0_family=Author$i" -F "a0_email=author$i@example.org" -F a0_naff=1 \
        -F "a0_aff0_name=University $i" -F a0_aff0_country=KZ -F corresponding=0 \
        -F declare_originality=yes -F declare_license=yes -F competing_interests=None \
        -F manuscript=@"$work/paper.md" -F action=submit "$base/submit?lang=en")
    rm -f "$f"
    [ "$code" = 200 ] || { tail -5 "$work/serve.log" >&2; echo "$name: the form answered $code" >&2; return 1; }
}
# confirm PATH CSRF: one confirmation; prints "STATUS SECONDS".
confirm() {
    curl -s -m 120 -o /dev/null -w '%{http_code} %{time_total}\n' --data "csrf=$2" "$base$1"
}
export -f confirm
export base
declare -a rows
for n in "${sizes[@]}"; do
    data=$scratch/n$n-s$seed-$key
    if [ ! -f "$data/.complete" ]; then
        echo "$name: generating $n submissions into $data (as bench/submit.sh does)" >&2
        rm -rf "$data"
        mkdir -p "$scratch"
        python3 "$root/bench/gen_site_journal.py" "$data" "$n" --seed "$seed" \
            --repo "$root" --journal-only --size 4000
        git -C "$data/journal" rev-parse HEAD >"$data/.commit"
        touch "$data/.complete"
    fi
    C=$work/n$n
    s0=$(date +%s)
    # (bench/submit.sh may be at work in it: a file that goes while it is copied, again.)
    for try in 1 2 3 4 5; do
        rm -rf "$C"
        cp -a --reflink=auto "$data/journal" "$C" 2>"$work/cp.err" && break
        [ "$try" = 5 ] && { cat "$work/cp.err" >&2; exit 1; }
        sleep 5
    done
    rm -f "$C/.git/index.lock" # the copy's: a lock copied from a git at work there is stale here
    git -C "$C" reset -q --hard "$(cat "$data/.commit")"
    git -C "$C" clean -qfd
    printf 'desk_url: "http://desk.invalid/"\nmail_from_address: office@journal.example.org\ndesk_submissions_per_hour: 1000000\n' \
        >>"$C/journal.yaml"
    g() { git -C "$C" -c user.name=Bench -c user.email=bench@example.org "$@"; }
    # The theme of this tree (the desk's mail and pages), as a journal updating it would.
    rm -rf "$C/themes"
    cp -R "$root/themes" "$C/"
    g add -A themes journal.yaml
    g commit -qm "Bench: the front desk"
    "$journal" -C "$C" stats >/dev/null # the index up to date, as in use
    echo "$name: N = $n: copied and ready in $(($(date +%s) - s0)) s" >&2
    "$journal" -C "$C" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
    server=$!
    for _ in $(seq 600); do grep -q 'listening on' "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
    base=$(sed -n 's|.*listening on \(http://[^ ]*\)/$|\1|p' "$work/serve.out")
    [ -n "$base" ] || { cat "$work/serve.log" >&2; echo "$name: journal serve did not start" >&2; exit 1; }
    before=$(git -C "$C" rev-list --count HEAD)
    s0=$(date +%s%N)
    for ((i = 1; i <= 2 * confirms; i++)); do send "$i"; done
    form_ms=$(( ($(date +%s%N) - s0) / 1000000 / (2 * confirms) ))
    # Each waiting submission's link and the confirmation page's CSRF token.
    python3 - "$C/.journal/outbox.db" >"$work/links" <<'PY'
import email, email.policy, re, sqlite3, sys
for (raw,) in sqlite3.connect(sys.argv[1]).execute("select message from messages where purpose = 'desk-confirm' order by id"):
    m = email.message_from_bytes(bytes(raw), policy=email.policy.default)
    print(re.search(r"/confirm/[0-9a-f]{32}/[0-9a-f]{64}", m.get_body().get_content()).group(0))
PY
    [ "$(wc -l <"$work/links")" = $((2 * confirms)) ] ||
        { echo "$name: $(wc -l <"$work/links") confirmation links, not $((2 * confirms))" >&2; exit 1; }
    while read -r path; do
        curl -s -m 60 -o "$work/page" "$base$path"
        echo "$path $(field csrf "$work/page")"
    done <"$work/links" >"$work/posts"
    load_before=$(load)
    head -n "$confirms" "$work/posts" | while read -r path csrf; do confirm "$path" "$csrf"; done >"$work/seq"
    s0=$(date +%s%N)
    tail -n "$confirms" "$work/posts" | xargs -P 8 -L 1 bash -c 'confirm "$0" "$1"' >"$work/par"
    par_s=$(awk -v ns=$(($(date +%s%N) - s0)) 'BEGIN {printf "%.2f", ns / 1e9}')
    load_after=$(load)
    bad=$(cat "$work/seq" "$work/par" | awk '$1 != 303' | wc -l)
    made=$(($(git -C "$C" rev-list --count HEAD) - before))
    [ "$bad" = 0 ] && [ "$made" = $((2 * confirms)) ] ||
        { echo "$name: N = $n: $bad confirmations not answered 303, $made commits" >&2; exit 1; }
    awk '{print $2}' "$work/seq" >"$work/seq.t"
    awk '{print $2}' "$work/par" >"$work/par.t"
    rows+=("$(printf '%-8s %6s ms   %7s %7s %7s ms   %6.1f/s  p99 %7s ms   %5s MiB   %s -> %s' "$n" \
        "$form_ms" "$(ms "$(pct "$work/seq.t" 50)")" "$(ms "$(pct "$work/seq.t" 99)")" \
        "$(ms "$(pct "$work/seq.t" 100)")" "$(awk -v c="$confirms" -v s="$par_s" 'BEGIN {print c / s}')" \
        "$(ms "$(pct "$work/par.t" 99)")" "$(( $(peak_kb) / 1024 ))" "$load_before" "$load_after")")
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=
    rm -rf "$C"
done
echo "== journal serve: confirmed submissions ($confirms one after the other, then $confirms from 8 clients at once) =="
printf '%-8s %9s   %-25s   %-23s   %9s   %s\n' N "form sent" "confirm p50 p99 max" \
    "8 clients: rate, p99" memory "load average before -> after"
printf '%s\n' "${rows[@]}"
