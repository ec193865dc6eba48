#!/usr/bin/env bash
# SIGKILL trials of the front desk (journal serve): 50 times a reviewer's answer is posted and
# the server is killed in the middle of it, at each of the workflow's crash points (before the
# commit, in the middle of writing the work tree, after the commit, before the index) and at
# random moments; then the server is started again and the
# reviewer posts the same form again, as one would after an error page. Every trial must end
# in one consistent state: the answer recorded exactly once, in one commit, git and
# `journal doctor` clean, the work tree clean, no mail made twice.
. "$(dirname "$0")/lib.sh"

TRIALS=${DESK_KILL_TRIALS:-50}
PY=/usr/bin/python3
export JOURNAL_DESK_SECRET=0123456789abcdef0123456789abcdef-kill-trials
trap 'stop_desk; [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$TEST_TMP"' EXIT

J=$TEST_TMP/journal
sample_journal "$J" || finish
# Mail is made but waits in the outbox (no smtp_host): what the trials count.
cat >>"$J/journal.yaml" <<'YAML'
mail_from_address: office@journal.example.org
desk_url: "https://desk.jcss.org/"
YAML
tgit -C "$J" commit -qam "Mail and the desk"
expect_exit 0 "invite a reviewer to submission 10" -- \
    "$JOURNAL" -C "$J" assign 10 --reviewer victoria-ciobanu --override-conflict "tested"
TOKEN=$("$PY" - "$J/.journal/outbox.db" <<'PY'
import email, email.policy, re, sqlite3, sys
for (raw,) in sqlite3.connect(sys.argv[1]).execute("select message from messages"):
    m = email.message_from_bytes(bytes(raw), policy=email.policy.default)
    found = re.search(r"/review/10/([0-9a-f]{64})", m.get_body().get_content())
    if found:
        print(found.group(1))
PY
)
check "the invitation in the outbox carries the reviewer's link" -- test -n "$TOKEN"
[ -n "$TOKEN" ] || finish
PAGE=/review/10/$TOKEN
base_commits=$(commit_count "$J")

# (An acceptance sends no mail, so there is no before-release point to stop at.)
points=(before-commit mid-worktree after-commit before-index)
bad_once= bad_state= bad_doctor= bad_git= bad_tree= bad_mail= bad_retry= killed=0
for i in $(seq "$TRIALS"); do
    T=$TEST_TMP/t$i
    cp -a "$J" "$T"
    # Half the trials at a crash point, half killed after a random delay.
    if [ $((i % 2)) = 1 ]; then
        point=${points[$(((i / 2) % ${#points[@]}))]}
        start_desk "$T" JOURNAL_TEST_KILL_AT="$point"
    else
        point="after $((RANDOM % 300)) ms"
        start_desk "$T"
    fi
    csrf=$(curl -s -m 20 "$DESK_BASE$PAGE" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
    curl -s -m 20 -o /dev/null --data "answer=accept&csrf=$csrf" "$DESK_BASE$PAGE/answer" &
    post=$!
    case $point in
    after*) sleep "0.$(printf '%03d' "${point//[^0-9]/}")"; kill -9 "$DESK_PID" 2>/dev/null ;;
    esac
    wait "$post"
    for _ in $(seq 200); do kill -0 "$DESK_PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$DESK_PID" 2>/dev/null || killed=$((killed + 1))
    kill -9 "$DESK_PID" 2>/dev/null
    wait "$DESK_PID" 2>/dev/null
    DESK_PID=
    # Started again; the reviewer posts the same form once more.
    start_desk "$T"
    status=$(curl -s -m 20 -o /dev/null -w '%{http_code}' --data "answer=accept&csrf=$csrf" \
        "$DESK_BASE$PAGE/answer")
    [ "$status" = 303 ] || bad_retry="$bad_retry $i($point: $status)"
    stop_desk
    n=$(git -C "$T" log --format=%s | grep -c 'accepts to review #10')
    [ "$n" = 1 ] || bad_once="$bad_once $i($point: $n)"
    [ "$(commit_count "$T")" = $((base_commits + 1)) ] || bad_once="$bad_once $i($point: commits)"
    awk '/^- reviewer: victoria-ciobanu/ {on=1; next} /^- / {on=0} on' \
        "$T/submissions/10/submission.yaml" | grep -q 'state: accepted' ||
        bad_state="$bad_state $i($point)"
    "$JOURNAL" -C "$T" doctor >"$T.doctor" 2>&1 || bad_doctor="$bad_doctor $i($point)"
    git -C "$T" fsck --no-progress >/dev/null 2>&1 || bad_git="$bad_git $i($point)"
    [ -z "$(git -C "$T" status --porcelain)" ] || bad_tree="$bad_tree $i($point)"
    dup=$("$PY" - "$T/.journal/outbox.db" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "select purpose, recipients, count(*) from messages group by purpose, recipients"
    " having count(*) > 1").fetchall()
print(" ".join(f"{p}:{n}" for p, _, n in rows))
PY
)
    [ -z "$dup" ] || bad_mail="$bad_mail $i($point: $dup)"
    [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$T"
done

check_eq "every trial's server was killed ($TRIALS trials)" "$TRIALS" "$killed"
check_eq "posted again after the restart, the form answers 303 in every trial" "" "$bad_retry"
check_eq "the answer is recorded exactly once, in one commit, in every trial" "" "$bad_once"
check_eq "the record says accepted in every trial" "" "$bad_state"
check_eq "journal doctor is clean after every trial" "" "$bad_doctor"
check_eq "git fsck is clean after every trial" "" "$bad_git"
check_eq "the work tree is clean after every trial" "" "$bad_tree"
check_eq "no mail was made twice in any trial" "" "$bad_mail"
check "no sanitizer report from the servers" -- \
    sh -c "! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$DESK_LOG'"
finish
