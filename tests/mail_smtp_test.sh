#!/usr/bin/env bash
# The mail system against a real SMTP server on 127.0.0.1 (tests/support/smtp_sink.py,
# aiosmtpd): messages composed and queued by the real code, flushed through libcurl,
# received and stored by the server, then decoded with Python's email package.
#
#     tests/mail_smtp_test.sh BUILD/mail_cli
#
# Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed" at the end;
# exits non-zero on a failure. Set JOURNAL_TEST_KEEP=1 to keep the scratch folder.

set -u

DRIVER=${1:-}
HERE=$(cd "$(dirname "$0")" && pwd)
SINK=$HERE/support/smtp_sink.py
# Debian's python3 has aiosmtpd; a pyenv python3 first on PATH does not.
PY=/usr/bin/python3

PASSED=0
FAILED=0
pass() {
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}
fail() {
    FAILED=$((FAILED + 1))
    echo "not ok - $1"
    shift
    local line
    for line in "$@"; do
        printf '%s\n' "$line" | sed 's/^/    # /'
    done
}
finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit
}

if [ -z "$DRIVER" ] || [ ! -x "$DRIVER" ]; then
    fail "the driver '${DRIVER}' is missing or not executable (usage: $0 BUILD/mail_cli)"
    finish
fi
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
    fail "$PY cannot import aiosmtpd (apt-get install python3-aiosmtpd)"
    finish
fi

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/journal-mail.XXXXXX")
SINK_PID=
cleanup() {
    if [ -n "$SINK_PID" ]; then
        kill "$SINK_PID" 2>/dev/null
        wait "$SINK_PID" 2>/dev/null
    fi
    if [ "${JOURNAL_TEST_KEEP:-0}" = 1 ]; then
        echo "# keeping $TEST_TMP"
    else
        rm -rf "$TEST_TMP"
    fi
}
trap cleanup EXIT

export LC_ALL=C.UTF-8
# A sanitizer report must not pass for an ordinary failure exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:abort_on_error=0
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:print_stacktrace=1
OUT=$TEST_TMP/.stdout
ERR=$TEST_TMP/.stderr

# start_sink DIR [PORT]: start the server storing into DIR; sets SINK_PORT.
start_sink() {
    local dir=$1 port=${2:-0} portfile=$TEST_TMP/port
    rm -f "$portfile"
    "$PY" "$SINK" --dir "$dir" --port-file "$portfile" --port "$port" \
        >>"$TEST_TMP/sink.log" 2>&1 &
    SINK_PID=$!
    for _ in $(seq 100); do
        [ -s "$portfile" ] && break
        if ! kill -0 "$SINK_PID" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    if [ ! -s "$portfile" ]; then
        fail "the SMTP sink did not start" "$(tail -20 "$TEST_TMP/sink.log")"
        finish
    fi
    SINK_PORT=$(cat "$portfile")
}

stop_sink() {
    kill "$SINK_PID" 2>/dev/null
    wait "$SINK_PID" 2>/dev/null
    SINK_PID=
}

# run CMD...: stdout in $OUT, stderr in $ERR, status in $STATUS; sanitizer reports fail.
run() {
    "$@" >"$OUT" 2>"$ERR" </dev/null
    STATUS=$?
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$ERR"; then
        fail "sanitizer report from: $*" "$(head -c 3000 "$ERR")"
    fi
}

# expect STATUS DESC: the last run exited with STATUS.
expect() {
    if [ "$STATUS" -eq "$1" ]; then
        pass "$2"
    else
        fail "$2" "expected exit $1, got $STATUS" "stdout: $(head -c 1500 "$OUT")" \
            "stderr: $(head -c 1500 "$ERR")"
    fi
}

check_eq() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1" "expected: $2" "actual:   $3"
    fi
}

check_match() {
    if printf '%s' "$3" | grep -qE -- "$2"; then
        pass "$1"
    else
        fail "$1" "does not match /$2/:" "$3"
    fi
}

# received DIR: how many complete messages the server stored in DIR.
received() {
    find "$1" -name '*.json' 2>/dev/null | wc -l | tr -d ' '
}

# field DB ID COLUMN: one column of `mail_cli list` (1 id, 2 state, 3 attempts, 4 purpose,
# 5 submission, 6 message-id, 7 recipients, 8 sent_at, 9 last_error).
field() {
    "$DRIVER" list "$1" | awk -F'\t' -v id="$2" -v col="$3" '$1 == id { print $col }'
}

flush() {
    run "$DRIVER" flush "$1" --host 127.0.0.1 --port "$2" --tls none --connect-timeout-ms 3000
}

# check_received DIR MESSAGE-ID FROM_NAME FROM_ADDR TO_NAME TO_ADDR SUBJECT BODY:
# decode the stored message with Python's email package and compare.
check_received() {
    "$PY" - "$@" <<'EOF'
import email, email.header, email.policy, email.utils, glob, json, os, sys

folder, message_id, from_name, from_addr, to_name, to_addr, subject, body = sys.argv[1:9]
problems = []
found = None
for path in sorted(glob.glob(os.path.join(folder, "*.eml"))):
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if msg["Message-ID"] == message_id:
        found = (path, raw, msg)
if not found:
    print("no stored message has Message-ID", message_id)
    sys.exit(1)
path, raw, msg = found

def compliant(value):
    # RFC 2047 decoding as the spec says: whitespace between encoded-words is dropped.
    return str(email.header.make_header(email.header.decode_header(value)))

head, _, payload = raw.partition(b"\r\n\r\n")
for line in head.split(b"\r\n"):
    if len(line) > 78:
        problems.append("header line longer than 78: %r" % line)
    if any(b >= 0x80 for b in line):
        problems.append("raw 8-bit byte in a header: %r" % line)
if b"\n" in raw.replace(b"\r\n", b"") or b"\r" in raw.replace(b"\r\n", b""):
    problems.append("a line ends without CRLF")
if msg["Subject"] != subject:
    problems.append("Subject decodes to %r, not %r" % (msg["Subject"], subject))
raw_msg = email.message_from_bytes(raw)  # compat32: the raw, undecoded headers
if compliant(raw_msg["Subject"]) != subject:
    problems.append("Subject (RFC 2047 decoder) is %r" % compliant(raw_msg["Subject"]))
sender = msg["From"].addresses[0]
if (sender.display_name, sender.addr_spec) != (from_name, from_addr):
    problems.append("From is %r <%s>" % (sender.display_name, sender.addr_spec))
to = msg["To"].addresses[0]
if (to.display_name, to.addr_spec) != (to_name, to_addr):
    problems.append("To is %r <%s>" % (to.display_name, to.addr_spec))
expected_to = "%s <%s>" % (to_name, to_addr)
if compliant(raw_msg["To"]) != expected_to:
    problems.append("To (RFC 2047 decoder) is %r" % compliant(raw_msg["To"]))
if msg.get_content_type() != "text/plain" or msg.get_content_charset() != "utf-8":
    problems.append("Content-Type is %s" % msg["Content-Type"])
if msg["MIME-Version"] != "1.0":
    problems.append("MIME-Version is %r" % msg["MIME-Version"])
text = msg.get_content().replace("\r\n", "\n")
if text != body:
    problems.append("body decodes to %r, not %r" % (text, body))
date = email.utils.parsedate_to_datetime(msg["Date"])
if date.utcoffset() is None or date.utcoffset().total_seconds() != 0 or not msg["Date"].endswith("+0000"):
    problems.append("Date %r is not UTC +0000" % msg["Date"])
envelope = json.load(open(path[:-4] + ".json", encoding="utf-8"))
if envelope["mail_from"] != from_addr or envelope["rcpt_tos"] != [to_addr]:
    problems.append("envelope is %r" % envelope)
if msg.defects:
    problems.append("defects: %r" % msg.defects)
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
EOF
}

FROM_ADDR=editor@journal.example.org
FROM_NAME="Редакция журнала"
enqueue() { # DB TO_ADDR TO_NAME SUBJECT BODY PURPOSE SUBMISSION
    run "$DRIVER" enqueue "$1" --from "$FROM_ADDR $FROM_NAME" --to "$2 $3" --subject "$4" \
        --body "$5" --purpose "$6" --submission "$7"
}

# ---- (a) the server is up ----------------------------------------------------------------

DB=$TEST_TMP/a/outbox.db
MAIL_A=$TEST_TMP/received-a
start_sink "$MAIL_A"

SUBJECT1="Приглашение к рецензированию рукописи № 12 «Об осадочных породах Казахстана»"
BODY1=$'Уважаемый Иван Петрович!\n\nПриглашаем Вас отрецензировать рукопись № 12.\n.\nFrom the editors, with thanks = спасибо.\n'
enqueue "$DB" ivan.petrov@example.ru "Иван Петров" "$SUBJECT1" "$BODY1" invitation 12
expect 0 "enqueue a message with a Cyrillic subject and recipient name"
read -r ID1 MID1 <"$OUT"
SUBJECT2="Acknowledgement of submission 13"
BODY2=$'Dear Jane Doe,\n\nwe received your manuscript.\n'
enqueue "$DB" jane@example.org "Jane Doe" "$SUBJECT2" "$BODY2" acknowledgement 13
expect 0 "enqueue an ASCII message"
read -r ID2 MID2 <"$OUT"

check_eq "both are queued before the flush" "queued queued" \
    "$(field "$DB" "$ID1" 2) $(field "$DB" "$ID2" 2)"
check_eq "nothing reached the server before the flush" 0 "$(received "$MAIL_A")"

flush "$DB" "$SINK_PORT"
expect 0 "flush with the server up"
check_match "flush reports 2 sent" '^sent 2 retrying 0 failed 0' "$(cat "$OUT")"
check_eq "the server received exactly 2 messages" 2 "$(received "$MAIL_A")"

if out=$(check_received "$MAIL_A" "$MID1" "$FROM_NAME" "$FROM_ADDR" "Иван Петров" \
    ivan.petrov@example.ru "$SUBJECT1" "$BODY1" 2>&1); then
    pass "the Cyrillic message decodes: Subject, From and To names, body, Date, envelope"
else
    fail "the Cyrillic message decodes: Subject, From and To names, body, Date, envelope" "$out"
fi
if out=$(check_received "$MAIL_A" "$MID2" "$FROM_NAME" "$FROM_ADDR" "Jane Doe" \
    jane@example.org "$SUBJECT2" "$BODY2" 2>&1); then
    pass "the ASCII message decodes"
else
    fail "the ASCII message decodes" "$out"
fi

check_eq "the outbox marks both sent" "sent sent" "$(field "$DB" "$ID1" 2) $(field "$DB" "$ID2" 2)"
check_match "sent_at is recorded" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' \
    "$(field "$DB" "$ID1" 8)"
check_eq "no failed attempt was recorded" "0 0" "$(field "$DB" "$ID1" 3) $(field "$DB" "$ID2" 3)"

flush "$DB" "$SINK_PORT"
expect 0 "flush again"
check_match "the second flush sends nothing" '^sent 0 retrying 0 failed 0' "$(cat "$OUT")"
check_eq "the server still has exactly 2 messages" 2 "$(received "$MAIL_A")"

# ---- (b) the server is down at first ------------------------------------------------------

PORT_B=$SINK_PORT
stop_sink
DB=$TEST_TMP/b/outbox.db
MAIL_B=$TEST_TMP/received-b
SUBJECT3="Решение редакции по рукописи № 14"
BODY3=$'Уважаемая Ольга Сергеевна!\n\nРукопись принята к публикации.\n'
enqueue "$DB" olga@example.kz "Ольга Сергеевна" "$SUBJECT3" "$BODY3" decision 14
expect 0 "enqueue while the server is down"
read -r ID3 MID3 <"$OUT"

flush "$DB" "$PORT_B"
expect 3 "flush with the server down fails (transiently)"
check_match "the error says connection refused and that the message stays queued" \
    "smtp://127\.0\.0\.1:$PORT_B: connection refused; the message stays in the outbox \(journal outbox flush retries it\)" \
    "$(cat "$ERR")"
check_match "flush reports the stop" 'sent 0 retrying 1 failed 0 reclaimed 0 stopped 1' "$(cat "$OUT")"
check_eq "the message stays queued" queued "$(field "$DB" "$ID3" 2)"
check_eq "with attempts=1" 1 "$(field "$DB" "$ID3" 3)"
check_match "and last_error set" 'connection refused' "$(field "$DB" "$ID3" 9)"

start_sink "$MAIL_B" "$PORT_B"
check_eq "the server restarted on the same port" "$PORT_B" "$SINK_PORT"
flush "$DB" "$SINK_PORT"
expect 0 "flush once the server is up"
check_match "flush reports 1 sent" '^sent 1 retrying 0 failed 0' "$(cat "$OUT")"
check_eq "delivered exactly once" 1 "$(received "$MAIL_B")"
check_eq "the outbox marks it sent" sent "$(field "$DB" "$ID3" 2)"
if out=$(check_received "$MAIL_B" "$MID3" "$FROM_NAME" "$FROM_ADDR" "Ольга Сергеевна" \
    olga@example.kz "$SUBJECT3" "$BODY3" 2>&1); then
    pass "the retried message decodes"
else
    fail "the retried message decodes" "$out"
fi
flush "$DB" "$SINK_PORT"
expect 0 "flush again after the retry"
check_eq "still delivered exactly once" 1 "$(received "$MAIL_B")"

# ---- (c) refusals: 5xx is permanent, 4xx is retried, others still go out ------------------

DB=$TEST_TMP/c/outbox.db
MAIL_C=$TEST_TMP/received-c
stop_sink
start_sink "$MAIL_C"
enqueue "$DB" reject-nobody@example.org "Nobody" "Refused" $'x\n' reminder 1
read -r ID_REJECT _ <"$OUT"
enqueue "$DB" later-busy@example.org "Busy" "Greylisted" $'x\n' reminder 2
read -r ID_LATER _ <"$OUT"
enqueue "$DB" fine@example.org "Fine" "Accepted" $'x\n' reminder 3
read -r ID_FINE _ <"$OUT"
flush "$DB" "$SINK_PORT"
expect 3 "flush with refused recipients reports a problem"
check_match "flush counts 1 sent, 1 retrying, 1 failed" \
    '^sent 1 retrying 1 failed 1 reclaimed 0 stopped 0' "$(cat "$OUT")"
check_eq "550: failed permanently" "failed 1" "$(field "$DB" "$ID_REJECT" 2) $(field "$DB" "$ID_REJECT" 3)"
check_match "550: the server's words are kept" '550 5\.1\.1 .*user unknown' \
    "$(field "$DB" "$ID_REJECT" 9)"
check_eq "451: queued for a retry" "queued 1" "$(field "$DB" "$ID_LATER" 2) $(field "$DB" "$ID_LATER" 3)"
check_eq "the accepted one is sent" sent "$(field "$DB" "$ID_FINE" 2)"
check_eq "the server stored only the accepted one" 1 "$(received "$MAIL_C")"

# ---- (d) nothing unsafe is queued ---------------------------------------------------------

DB=$TEST_TMP/d/outbox.db
run "$DRIVER" enqueue "$DB" --from "$FROM_ADDR Editor" --to "a@example.org A" \
    --subject $'Hello\r\nBcc: victim@example.org' --body x --purpose reminder
expect 1 "a subject with CR LF is rejected"
check_match "the message names the problem" 'subject contains a line break' "$(cat "$ERR")"
run "$DRIVER" enqueue "$DB" --from "$FROM_ADDR Editor" --to "a@example.org>,<b@example.org A" \
    --subject Hi --body x --purpose reminder
expect 1 "a malformed address is rejected"
check_eq "nothing was queued" "" "$("$DRIVER" list "$DB")"

# ---- (e) a server that accepts the connection and never answers: timeout ------------------

DB=$TEST_TMP/e/outbox.db
enqueue "$DB" a@example.org "A" "Timeout" $'x\n' reminder 1
read -r ID_SLOW _ <"$OUT"
"$PY" -c '
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
conn, _ = s.accept()
time.sleep(30)
' "$TEST_TMP/silent-port" &
SILENT_PID=$!
for _ in $(seq 100); do
    [ -s "$TEST_TMP/silent-port" ] && break
    sleep 0.1
done
run "$DRIVER" flush "$DB" --host 127.0.0.1 --port "$(cat "$TEST_TMP/silent-port")" --tls none \
    --total-timeout-ms 1000
kill "$SILENT_PID" 2>/dev/null
wait "$SILENT_PID" 2>/dev/null
expect 3 "a silent server times out"
check_match "the error says it timed out" 'timed out; the message stays in the outbox' "$(cat "$ERR")"
check_eq "the message stays queued with attempts=1" "queued 1" \
    "$(field "$DB" "$ID_SLOW" 2) $(field "$DB" "$ID_SLOW" 3)"

stop_sink
finish
