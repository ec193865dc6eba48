#!/usr/bin/env bash
# The front desk (journal serve) on a loopback port, driven with curl: the invitation mail
# (through the real SMTP sink, tests/support/smtp_sink.py) carries the reviewer's personal
# link; the link opens the invitation; accepting and declining each make one commit, as
# `journal assign N --accept ID` does; a wrong, revoked or withdrawn link is a 404 that
# reveals nothing; a form without its CSRF token is refused and nothing is written; the
# same form twice records one answer; the security headers are on every page; the token
# is kept only as a hash and reaches no log; SIGTERM ends the server with status 0.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
SINK=$SOURCE_DIR/tests/support/smtp_sink.py
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
    fail "$PY cannot import aiosmtpd (scripts/install-deps installs python3-aiosmtpd)"
    finish
fi
if ! command -v curl >/dev/null; then
    fail "curl is needed to drive journal serve"
    finish
fi
SINK_PID=
SERVE_PID=
stop_all() {
    # Never leave a server behind: the desk first (SIGKILL if SIGTERM did not end it), the sink.
    if [ -n "$SERVE_PID" ]; then
        kill "$SERVE_PID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$SERVE_PID" 2>/dev/null
        wait "$SERVE_PID" 2>/dev/null
        SERVE_PID=
    fi
    if [ -n "$SINK_PID" ]; then
        kill "$SINK_PID" 2>/dev/null
        wait "$SINK_PID" 2>/dev/null
        SINK_PID=
    fi
}
trap 'stop_all; [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$TEST_TMP"' EXIT

MAIL=$TEST_TMP/mail
mkdir -p "$MAIL"
"$PY" "$SINK" --dir "$MAIL" --port-file "$TEST_TMP/sink-port" --port 0 >>"$TEST_TMP/sink.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 200); do [ -s "$TEST_TMP/sink-port" ] && break; sleep 0.05; done
SINK_PORT=$(cat "$TEST_TMP/sink-port" 2>/dev/null)
check "the SMTP sink listens on 127.0.0.1:$SINK_PORT" -- test -n "$SINK_PORT"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cat >>"$J/journal.yaml" <<YAML
mail_from_address: office@journal.example.org
mail_from_name: "Editorial Office"
smtp_host: 127.0.0.1
smtp_port: $SINK_PORT
smtp_tls: none
YAML
tgit -C "$J" commit -qam "Mail settings"
# The journal's guidelines for reviewers, in English and Russian (also pages of the site).
printf -- '---\ntitle: Guidelines for reviewers\n---\n\nJudge the *argument*, not the author.\n' \
    >"$J/pages/reviewer-guidelines.md"
printf -- '---\ntitle: Рекомендации\n---\n\nОценивайте *аргументы*, а не автора.\n' \
    >"$J/pages/reviewer-guidelines.ru.md"
tgit -C "$J" add pages && tgit -C "$J" commit -qm "Guidelines for reviewers"

# Without desk_url, an invitation carries no link and the record no token (as before).
expect_exit 0 "assign without desk_url" -- \
    "$JOURNAL" -C "$J" assign 11 --reviewer asel-bekova --override-conflict "tested"
check "without desk_url the assignment keeps no link hash" -- \
    sh -c "! grep -q 'link:' '$J/submissions/11/submission.yaml'"

# The desk on any free port: it prints where it listens.
SERVE_LOG=$TEST_TMP/serve.log
"$JOURNAL" -C "$J" serve --listen 127.0.0.1:0 >"$TEST_TMP/serve.out" 2>"$SERVE_LOG" &
SERVE_PID=$!
for _ in $(seq 200); do grep -q 'listening on' "$TEST_TMP/serve.out" 2>/dev/null && break; sleep 0.05; done
BASE=$(sed -n 's|.*listening on \(http://[^ ]*\)/$|\1|p' "$TEST_TMP/serve.out")
check "journal serve prints the address it listens on" -- test -n "$BASE"
[ -n "$BASE" ] || finish

echo "desk_url: \"$BASE/\"" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "The front desk's address"

# decoded_body EMAIL: the plain-text bodies of the messages to EMAIL, decoded.
decoded_body() {
    "$PY" - "$MAIL" "$1" <<'PY'
import email, email.policy, glob, sys
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    if sys.argv[2] in str(m["To"]):
        print(m.get_body().get_content())
PY
}
# link_for EMAIL: the last desk link mailed to EMAIL.
link_for() { decoded_body "$1" | grep -oE "$BASE/review/[0-9]+/[0-9a-f]{64}" | tail -1; }
# fetch DESC URL [CURL ARGS...]: GET or POST with curl; body in $TEST_TMP/body, headers in
# $TEST_TMP/headers, the status in $STATUS.
fetch() {
    local url=$1
    shift
    STATUS=$(curl -s -o "$TEST_TMP/body" -D "$TEST_TMP/headers" -w '%{http_code}' "$@" "$url")
}
csrf_of() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TEST_TMP/body" | head -1; }

# --- an invitation's link ---
expect_exit 0 "assign a reviewer with desk_url set" -- \
    "$JOURNAL" -C "$J" assign 10 --reviewer victoria-ciobanu --override-conflict "tested"
V_EMAIL=v.ciobanu@example.org
LINK=$(link_for "$V_EMAIL")
check "the invitation mail carries the personal link under desk_url" -- test -n "$LINK"
TOKEN=${LINK##*/}
check "the record keeps the token's SHA-256, not the token" -- \
    grep -q "link: sha256:$(printf '%s' "$TOKEN" | sha256sum | cut -c1-64)" "$J/submissions/10/submission.yaml"
check "the token is nowhere in the repository's history" -- \
    sh -c "! git -C '$J' log -p --all | grep -q '$TOKEN'"
# The outbox keeps a sent invitation's headers only: the token is in the reviewer's mailbox.
outbox_holds() {
    "$PY" - "$J/.journal/outbox.db" "$1" <<'PY'
import email, email.policy, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select message, state from messages").fetchall()
found = False
for raw, state in rows:
    raw = raw if isinstance(raw, bytes) else raw.encode()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text = raw.decode("latin-1")
    for part in msg.walk():
        if not part.is_multipart():
            try:
                text += part.get_content()
            except Exception:
                pass
    found = found or sys.argv[2] in text
sys.exit(0 if found else 1)
PY
}
check "the outbox keeps the sent invitation's headers" -- outbox_holds "$V_EMAIL"
if outbox_holds "$TOKEN"; then
    fail "the sent invitation's token is not kept in the outbox"
else
    pass "the sent invitation's token is not kept in the outbox"
fi

fetch "$LINK"
check_eq "the link opens the invitation page (200)" 200 "$STATUS"
check "the page shows the manuscript's title" -- \
    grep -qF "$(sed -n 's/^title: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$J/submissions/10/manuscript.md" | head -1 | cut -c1-30)" "$TEST_TMP/body"
check "the page shows the due date" -- \
    grep -q "$(sed -n 's/^ *due: //p' "$J/submissions/10/submission.yaml" | tail -1)" "$TEST_TMP/body"
check "the page is in English, marked so" -- grep -q '<html lang="en">' "$TEST_TMP/body"
check "the page shows the journal's guidelines for reviewers, rendered" -- \
    grep -q 'Judge the <em>argument</em>, not the author.' "$TEST_TMP/body"
check "the page's answer form labels its fields" -- grep -q '<label for="reason">' "$TEST_TMP/body"
check "the page carries no script" -- sh -c "! grep -qi '<script' '$TEST_TMP/body'"
check "Referrer-Policy: no-referrer" -- grep -qi '^Referrer-Policy: no-referrer' "$TEST_TMP/headers"
check "a Content-Security-Policy with frame-ancestors 'none'" -- \
    grep -qi "^Content-Security-Policy: .*frame-ancestors 'none'" "$TEST_TMP/headers"
check "pages are not cached" -- grep -qi '^Cache-Control: no-store' "$TEST_TMP/headers"
CSRF=$(csrf_of)
check "the form carries a CSRF token" -- test -n "$CSRF"
fetch "$LINK?lang=ru"
check "?lang=ru gives the page in Russian" -- \
    sh -c "grep -q '<html lang=\"ru\">' '$TEST_TMP/body' && grep -q 'Приглашение к рецензированию' '$TEST_TMP/body'"
check "... with the Russian guidelines" -- grep -q 'Оценивайте <em>аргументы</em>' "$TEST_TMP/body"
fetch "$BASE/style.css"
check "the site's stylesheet is served" -- \
    sh -c "[ '$STATUS' = 200 ] && cmp -s '$TEST_TMP/body' '$J/themes/default/assets/style.css'"

# --- a form without its CSRF token writes nothing ---
snapshot "$J" >"$TEST_TMP/before"
fetch "$LINK/answer" --data "answer=accept"
check_eq "a POST without its CSRF token is refused (403)" 403 "$STATUS"
fetch "$LINK/answer" --data "answer=accept&csrf=$(printf '0%.0s' $(seq 64))"
check_eq "a POST with a wrong CSRF token is refused (403)" 403 "$STATUS"
fetch "$LINK/answer" --data "answer=accept&csrf=$CSRF%G1"
check_eq "a malformed form is refused (400)" 400 "$STATUS"
expect_unchanged "$TEST_TMP/before" "$J" "the refused posts left the repository unchanged"

# --- accept: one commit, as the CLI's ---
before=$(commit_count "$J")
fetch "$LINK/answer" --data "answer=accept&csrf=$CSRF"
check_eq "accepting answers 303 See Other, back to the page" 303 "$STATUS"
check_eq "accepting made one commit" $((before + 1)) "$(commit_count "$J")"
check "the record shows the invitation accepted" -- \
    sh -c "grep -A8 'reviewer: victoria-ciobanu' '$J/submissions/10/submission.yaml' | grep -q 'state: accepted'"
check "the timeline says the reviewer accepted, by the reviewer" -- \
    sh -c "grep -B1 -A3 'action: invitation accepted' '$J/submissions/10/submission.yaml' | grep -q 'by: victoria-ciobanu'"
check "the commit is the CLI's" -- \
    sh -c "git -C '$J' log -1 --format=%s | grep -q 'Record that victoria-ciobanu accepts to review #10'"
check "the work tree is clean after the desk's commit" -- \
    sh -c "[ -z \"\$(git -C '$J' status --porcelain)\" ]"
fetch "$LINK/answer" --data "answer=accept&csrf=$CSRF"
check_eq "the same form posted twice answers 303 again" 303 "$STATUS"
check_eq "... and records nothing more" $((before + 1)) "$(commit_count "$J")"
fetch "$LINK/answer" --data "answer=decline&csrf=$CSRF"
check_eq "a decline after the acceptance changes nothing" $((before + 1)) "$(commit_count "$J")"

fetch "$LINK"
check "the page now says the invitation was accepted" -- grep -q 'You accepted this invitation' "$TEST_TMP/body"
check "... with no answer form any more" -- sh -c "! grep -q 'name=\"answer\"' '$TEST_TMP/body'"
check "... and links the packet" -- grep -q "review/10/$TOKEN/packet" "$TEST_TMP/body"
fetch "$LINK/packet"
check_eq "the packet downloads (200)" 200 "$STATUS"
check "the packet downloads as an attachment" -- grep -qi '^Content-Disposition: attachment' "$TEST_TMP/headers"
"$JOURNAL" -C "$J" packet 10 --reviewer victoria-ciobanu >"$TEST_TMP/packet.cli" 2>/dev/null
check "the packet is exactly journal packet's (blinded the same)" -- cmp "$TEST_TMP/body" "$TEST_TMP/packet.cli"

# --- decline with a reason and a colleague ---
expect_exit 0 "assign a second reviewer" -- \
    "$JOURNAL" -C "$J" assign 10 --reviewer asel-bekova --override-conflict "tested"
LINK2=$(link_for a.bekova@example.org)
check "the second reviewer has a link of their own" -- sh -c "[ -n '$LINK2' ] && [ '$LINK2' != '$LINK' ]"
fetch "$LINK2"
CSRF2=$(csrf_of)
check "the CSRF token is the link's own" -- sh -c "[ -n '$CSRF2' ] && [ '$CSRF2' != '$CSRF' ]"
fetch "$LINK2/answer" --data "answer=accept&csrf=$CSRF"
check_eq "another link's CSRF token is refused (403)" 403 "$STATUS"
long=$(head -c 1100 /dev/zero | tr '\0' 'x')
before=$(commit_count "$J")
fetch "$LINK2/answer" --data "answer=decline&reason=$long&suggested=Dr+Somebody+%3Cscript%3Ealert(1)%3C%2Fscript%3E&csrf=$CSRF2"
check_eq "a reason over 1000 bytes is refused on the page (422)" 422 "$STATUS"
check "... with the message next to the field, the typed colleague kept" -- \
    sh -c "grep -q 'id=\"reason-error\"' '$TEST_TMP/body' && grep -qF 'value=\"Dr Somebody &lt;script&gt;' '$TEST_TMP/body'"
check "... escaped: no script on the page" -- sh -c "! grep -qi '<script' '$TEST_TMP/body'"
check_eq "... and nothing recorded" "$before" "$(commit_count "$J")"
fetch "$LINK2/answer" --data "answer=decline&reason=On+leave+until+June&suggested=Dr+A.+Colleague%2C+Almaty&csrf=$CSRF2"
check_eq "declining answers 303" 303 "$STATUS"
check_eq "declining made one commit" $((before + 1)) "$(commit_count "$J")"
check "the record shows the decline with its reason and the colleague" -- \
    sh -c "grep -A10 'reviewer: asel-bekova' '$J/submissions/10/submission.yaml' | grep -q 'state: declined' &&
           grep -q 'reason: On leave until June' '$J/submissions/10/submission.yaml' &&
           grep -q 'suggested: Dr A. Colleague, Almaty' '$J/submissions/10/submission.yaml'"
fetch "$LINK2"
check "the page now says the invitation was declined" -- grep -q 'You declined this invitation' "$TEST_TMP/body"
fetch "$LINK2/packet"
check_eq "a reviewer who declined gets no packet (404)" 404 "$STATUS"

# assign --auto makes links too, one per reviewer it invites.
expect_exit 0 "assign --auto with desk_url set" -- "$JOURNAL" -C "$J" assign --auto 11 -k 2
# "reviewer link" per assignment of submission 11 (link: the hash, or none).
links11=$(awk '/^- reviewer:/ {if (r) print r, l; r=$3; l="none"} /^  link: sha256:/ {l="hash"}
               /^[a-z]/ && r {print r, l; r=""} ' "$J/submissions/11/submission.yaml")
auto_reviewers=$(printf '%s\n' "$links11" | grep -c ' hash$')
check "every reviewer --auto invited has a link hash; asel-bekova, invited before desk_url, none" -- \
    sh -c "[ '$auto_reviewers' -ge 1 ] && [ \"\$(printf '%s\n' \"\$1\" | grep -c ' none$')\" = 1 ] &&
           printf '%s\n' \"\$1\" | grep -q '^asel-bekova none$'" _ "$links11"
auto_links=$(decoded_body "" | grep -cE "$BASE/review/11/[0-9a-f]{64}")
check_eq "... and each was mailed their own link to submission 11" "$auto_reviewers" "$auto_links"

# --- links that open nothing: all the same 404 ---
fetch "$BASE/review/10/$(printf 'a%.0s' $(seq 64))"
check_eq "a wrong token is a 404" 404 "$STATUS"
cp "$TEST_TMP/body" "$TEST_TMP/404-wrong"
check "the 404 says nothing of the submission" -- sh -c "! grep -q 'Invitation\|victoria\|10' '$TEST_TMP/body'"
check "the 404 carries the same headers" -- grep -qi "^Content-Security-Policy: .*frame-ancestors 'none'" "$TEST_TMP/headers"
fetch "$BASE/review/999/$TOKEN"
check_eq "the right token on another submission is a 404" 404 "$STATUS"
check "... the same page as a wrong token's" -- cmp "$TEST_TMP/body" "$TEST_TMP/404-wrong"
fetch "$BASE/review/10/${TOKEN:0:63}"
check_eq "a truncated token is a 404" 404 "$STATUS"

# Revoked: the link stops at once, one commit.
before=$(commit_count "$J")
expect_exit 0 "journal token revoke 10 --reviewer victoria-ciobanu" -- \
    "$JOURNAL" -C "$J" token revoke 10 --reviewer victoria-ciobanu
check_eq "revoking made one commit" $((before + 1)) "$(commit_count "$J")"
check "the record keeps the revocation's date, no hash" -- \
    sh -c "grep -A12 'reviewer: victoria-ciobanu' '$J/submissions/10/submission.yaml' | grep -q 'link_revoked:' &&
           ! grep -A12 'reviewer: victoria-ciobanu' '$J/submissions/10/submission.yaml' | grep -q 'link: sha256'"
fetch "$LINK"
check_eq "a revoked link is a 404" 404 "$STATUS"
check "... the same page as a wrong token's" -- cmp "$TEST_TMP/body" "$TEST_TMP/404-wrong"
expect_exit 1 "revoking it again is refused" -- \
    "$JOURNAL" -C "$J" token revoke 10 --reviewer victoria-ciobanu
expect_stderr_match "no front-desk link" "... saying there is no link left"

# Withdrawn: the invitation's link is dead too.
expect_exit 0 "assign a third reviewer" -- \
    "$JOURNAL" -C "$J" assign 10 --reviewer nurlan-abenov --override-conflict "tested"
LINK3=$(link_for n.abenov@example.org)
fetch "$LINK3"
check_eq "the third reviewer's link opens" 200 "$STATUS"
CSRF3=$(csrf_of)
expect_exit 0 "the editor withdraws the invitation" -- \
    "$JOURNAL" -C "$J" assign 10 --withdraw nurlan-abenov
fetch "$LINK3"
check_eq "a withdrawn invitation's link is a 404" 404 "$STATUS"
snapshot "$J" >"$TEST_TMP/before"
fetch "$LINK3/answer" --data "answer=accept&csrf=$CSRF3"
check_eq "... and its form is a 404 too" 404 "$STATUS"
expect_unchanged "$TEST_TMP/before" "$J" "... writing nothing"

# --- the desk and the CLI at once: they take turns on the journal's lock ---
expect_exit 0 "assign a fourth reviewer" -- \
    "$JOURNAL" -C "$J" assign 10 --reviewer bekzod-aliev --override-conflict "tested"
LINK4=$(link_for "$(grep -A3 'id: bekzod-aliev' "$J/reviewers.yaml" | sed -n 's/.*email: *//p')")
fetch "$LINK4"
CSRF4=$(csrf_of)
before=$(commit_count "$J")
"$JOURNAL" -C "$J" assign 10 --decline bekzod-aliev --reason "By email" >"$TEST_TMP/cli.out" 2>&1 &
CLI_PID=$!
fetch "$LINK4/answer" --data "answer=accept&csrf=$CSRF4"
wait "$CLI_PID"
check_eq "the desk's answer, racing the editor's, still answers 303 (the state)" 303 "$STATUS"
check_eq "one of the two answers was recorded, in one commit" $((before + 1)) "$(commit_count "$J")"
check "the record holds that one answer" -- \
    sh -c "awk '/^- reviewer: bekzod-aliev/ {on=1; next} /^- / {on=0} on' '$J/submissions/10/submission.yaml' |
           grep -cE 'state: (accepted|declined)' | grep -qx 1"
check "git's objects are sound" -- git -C "$J" fsck --no-progress

# --- requests in parallel: a page waiting for the journal's lock holds up no other ---
# The lock is held from outside (as a long CLI command would); the desk's accept waits for
# it on its thread while another page is served; released, the accept goes through.
# The fifth reviewer's invitation comes from a theme made before the desk: its templates know
# no desk_link, and the link is added at the end all the same.
for l in en ru; do
    printf '%s\n' 'Subject: Invitation {{submission.number}}' '' \
        'Dear {{{reviewer.name}}}, please review "{{{submission.title}}}" by {{due}}.' \
        >"$J/themes/default/mail/invitation.$l.mustache"
done
tgit -C "$J" commit -qam "Invitation templates from before the desk"
expect_exit 0 "assign a fifth reviewer" -- \
    "$JOURNAL" -C "$J" assign 10 --reviewer dinara-ospanova --override-conflict "tested"
D_EMAIL=$(grep -A3 'id: dinara-ospanova' "$J/reviewers.yaml" | sed -n 's/.*email: *//p')
LINK5=$(link_for "$D_EMAIL")
check "an invitation from a template without desk_link still carries the link" -- test -n "$LINK5"
decoded_body "$D_EMAIL" >"$TEST_TMP/old-theme.txt"
check "... after the template's own text" -- \
    sh -c "grep -A3 'please review' '$TEST_TMP/old-theme.txt' | grep -qE '^$BASE/review/10/[0-9a-f]{64}\$'"
fetch "$LINK5"
CSRF5=$(csrf_of)
before=$(commit_count "$J")
mkfifo "$TEST_TMP/release"
flock "$J/.journal/lock" sh -c "echo held >'$TEST_TMP/held'; read _ <'$TEST_TMP/release'" &
HOLD_PID=$!
for _ in $(seq 200); do [ -s "$TEST_TMP/held" ] && break; sleep 0.05; done
curl -s -o /dev/null -w '%{http_code}' --data "answer=accept&csrf=$CSRF5" "$LINK5/answer" \
    >"$TEST_TMP/waiting.status" &
WAITING_PID=$!
for _ in $(seq 100); do grep -q "waiting for\|POST /review/10/<token>/answer" "$SERVE_LOG" && break; sleep 0.05; done
fetch "$LINK2" -m 20
check_eq "while an accept waits for the lock, another page is served" 200 "$STATUS"
check "... and the accept is still waiting" -- kill -0 "$WAITING_PID"
echo go >"$TEST_TMP/release"
wait "$HOLD_PID"
wait "$WAITING_PID"
check_eq "released, the waiting accept answers 303" 303 "$(cat "$TEST_TMP/waiting.status")"
check_eq "... in one commit" $((before + 1)) "$(commit_count "$J")"

# --- limits: a body announced over the limit is refused before it is sent ---
snapshot "$J" >"$TEST_TMP/before"
head -c 70000 /dev/zero | tr '\0' 'a' >"$TEST_TMP/big.form"
fetch "$LINK5/answer" --data-binary "@$TEST_TMP/big.form"
check_eq "a form over 64 KB is refused (413)" 413 "$STATUS"
check "... with the desk's page saying so" -- grep -q '<html lang="en">' "$TEST_TMP/body"
fetch "$BASE/review/10/$(printf 'a%.0s' $(seq 64))/answer" --data-binary "@$TEST_TMP/big.form"
check_eq "... whatever the link (nothing about it is revealed first)" 413 "$STATUS"
expect_unchanged "$TEST_TMP/before" "$J" "... writing nothing"
# Keep-alive: two pages on one connection (curl says when it re-uses one).
curl -sv -o /dev/null -o /dev/null "$BASE/style.css" "$LINK" 2>"$TEST_TMP/keepalive.err"
check "two requests share one connection (keep-alive)" -- \
    grep -qi 're-using existing connection\|reusing existing connection' "$TEST_TMP/keepalive.err"

# --- the server's log holds no token ---
check "the server logged the requests" -- grep -q "POST /review/10/<token>/answer 303" "$SERVE_LOG"
check "no token reached the server's log" -- \
    sh -c "! grep -qE '[0-9a-f]{64}' '$SERVE_LOG'"

# --- SIGTERM: requests in flight finish, exit 0 ---
# A slow client: its form comes in two parts, 2 seconds apart, and SIGTERM comes between
# them. The server stops accepting but answers it (403: it carries no CSRF token) first.
"$PY" - "$BASE" "${LINK2#"$BASE"}/answer" >"$TEST_TMP/last.status" 2>"$TEST_TMP/slow.err" <<'PY' &
import socket, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
body = b"answer=accept&note=" + b"x" * 30
s = socket.create_connection((u.hostname, u.port))
s.sendall(b"POST " + sys.argv[2].encode() + b" HTTP/1.1\r\nHost: desk\r\n"
          b"Content-Type: application/x-www-form-urlencoded\r\n"
          b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:10])
time.sleep(2)
s.sendall(body[10:])
answer = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    answer += chunk
print(answer.split(b" ")[1].decode() if answer else "none")
PY
CURL_PID=$!
sleep 0.7
kill -TERM "$SERVE_PID"
sleep 0.5
check "after SIGTERM, the server is still there for the request in flight" -- kill -0 "$SERVE_PID"
check "... and accepts no new connection" -- sh -c "! curl -s -m 2 -o /dev/null '$BASE/style.css'"
wait "$CURL_PID"
check_eq "the request in flight was answered in full" 403 "$(cat "$TEST_TMP/last.status")"
for _ in $(seq 200); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.05; done
wait "$SERVE_PID"
status=$?
SERVE_PID=
check_eq "journal serve exits 0 on SIGTERM" 0 "$status"
check "no sanitizer report from the server" -- \
    sh -c "! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$SERVE_LOG'"

# --- --listen ---
expect_exit 2 "--listen without a port is a usage error" -- "$JOURNAL" -C "$J" serve --listen 127.0.0.1
expect_exit 2 "--listen with a host name is a usage error" -- "$JOURNAL" -C "$J" serve --listen localhost:8080

# --- desk_url must be an address ---
sed -i 's|^desk_url: .*|desk_url: "desk.jcss.org"|' "$J/journal.yaml"
tgit -C "$J" commit -qam "A desk_url without its scheme"
expect_exit 1 "a desk_url without http(s):// is refused" -- "$JOURNAL" -C "$J" list
expect_stderr_match "journal.yaml:[0-9]+:[0-9]+: .*desk_url must start with https:// or http://" \
    "... with the line and what is expected"

# --- the desk's limits are journal.yaml keys, checked like every other ---
sed -i 's|^desk_url: .*|desk_url: "https://desk.jcss.org"|' "$J/journal.yaml"
printf 'desk_threads: 0\ndesk_timeout: 7200\n' >>"$J/journal.yaml"
tgit -C "$J" commit -qam "Limits out of range"
expect_exit 1 "desk_threads: 0 and desk_timeout: 7200 are refused" -- "$JOURNAL" -C "$J" list
expect_stderr_match "journal.yaml:[0-9]+:[0-9]+: 'desk_threads' must be a positive whole number" \
    "... desk_threads with its line"
expect_stderr_match "journal.yaml:[0-9]+:[0-9]+: 'desk_timeout' must be at most 3600" \
    "... desk_timeout with its line and the bound"

finish
