#!/usr/bin/env bash
# The front desk under load: `journal serve` on loopback driven by wrk (Debian's wrk), bounded
# in time. It serves a copy of the sample journal in which one reviewer has accepted an
# invitation, and measures at C connections for D seconds each:
#   - a reviewer's page (/review/N/TOKEN: the record read from git, the packet, the theme);
#   - a 404 (a wrong token: the same work up to the token check);
#   - the stylesheet (the cheapest page: the theme's file at HEAD);
# printing requests per second, p50 and p99 latency, and the server's peak resident memory
# (sampled from /proc every 0.1 s). Pages that exist only with later parts of the desk (the
# submission form, an author's status page) are measured when the server has them.
#   bash bench/desk.sh [CONNECTIONS] [SECONDS]      (defaults: 64 connections, 10 s)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=desk.sh
. "$root/bench/lib.sh"
conns=${1:-64}
seconds=${2:-10}
bench_install wrk curl
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
bench_build_journal build-bench "$work/build.log"

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
token=$(python3 - "$J/.journal/outbox.db" <<'PY'
import email, email.policy, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (raw,) in db.execute("select message from messages order by id desc"):
    msg = email.message_from_bytes(bytes(raw), policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            m = re.search(r"/review/\d+/([0-9a-f]{64})", part.get_content())
            if m:
                print(m.group(1))
                sys.exit(0)
PY
)
[ -n "$token" ] || { echo "$name: no reviewer link in the outbox" >&2; exit 1; }
"$journal" -C "$J" assign "$number" --accept "$reviewer" >/dev/null

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
echo "journal serve on $base, $conns connections, $seconds s each, load $(cut -d' ' -f1-3 /proc/loadavg)"
run "stylesheet" /style.css
run "reviewer's page" "/review/$number/$token"
run "wrong token (404)" "/review/$number/$(printf '0%.0s' $(seq 64))"
for page in /submit "/status/$number/0"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base$page")
    [ "$code" = 200 ] && run "$page" "$page"
done
echo "server peak memory: $(( $(peak_kb) / 1024 )) MiB (VmHWM)"
