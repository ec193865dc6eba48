#!/usr/bin/env bash
# SIGKILL trials of the front desk (journal serve), three kinds of DESK_KILL_TRIALS (50) each:
# a reviewer's answer (accept), a reviewer's review sent from the review form, and an author's
# confirmation of a waiting submission. Each trial posts the form to a copy of a prepared
# journal and the server is killed in the middle of it, at each of the workflow's crash points
# (before the commit, in the middle of writing the work tree, after the commit, before the
# index; for the confirmation also after the commit before the waiting entry is settled, and
# before the acknowledgement is released to the outbox) and at random moments; then the server
# is started again and the same form posted again, as one would after an error page. Every
# trial must end in one consistent state: the action recorded exactly once, in one commit, git
# and `journal doctor` clean, the work tree clean, no mail made twice.
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

# --- the three prepared journals ---
# Review: the reviewer has accepted (with the CLI); the review form's CSRF token and "based"
# (what the form was made from) read from the page once: the secret is fixed, so they hold in
# every copy.
JR=$TEST_TMP/journal-review
cp -a "$J" "$JR"
expect_exit 0 "the reviewer accepts (for the review trials)" -- \
    "$JOURNAL" -C "$JR" assign 10 --accept victoria-ciobanu
field_of() { sed -n "s/.*name=\"$1\" value=\"\([0-9a-f]*\)\".*/\1/p" "$2" | head -1; }
start_desk "$JR"
curl -s -m 20 -o "$TEST_TMP/review.html" "$DESK_BASE$PAGE"
stop_desk
REVIEW_CSRF=$(field_of csrf "$TEST_TMP/review.html")
REVIEW_BASED=$(sed -n 's/.*name="based" value="\([^"]*\)".*/\1/p' "$TEST_TMP/review.html" | head -1)
check "the review form carries its CSRF token and what it was made from" -- \
    test -n "$REVIEW_CSRF" -a -n "$REVIEW_BASED"
printf 'The sample is small and the method is sound.\n' >"$TEST_TMP/comments.txt"

# Confirmation: one submission sent through the desk's form waits outside git; its
# confirmation link (the mail waits in the outbox) and the confirmation page's CSRF token.
JC=$TEST_TMP/journal-confirm
cp -a "$J" "$JC"
printf '# Introduction\n\nCentral testing changed recruitment in the civil service.\n' >"$TEST_TMP/paper.md"
start_desk "$JC"
curl -s -m 20 -o "$TEST_TMP/form.html" "$DESK_BASE/submit?lang=en"
status=$(curl -s -m 60 -o /dev/null -w '%{http_code}' -F csrf="$(field_of csrf "$TEST_TMP/form.html")" \
    -F form="$(field_of form "$TEST_TMP/form.html")" -F nauthors=1 \
    -F "title=Confirmed once after a kill" -F mlang=en -F type=research-article \
    -F "abstract=Where discretion went." -F "keywords=merit, recruitment" -F a0_given=Dana \
    -F a0_family=Seitkali -F a0_email=d.seitkali@example.org -F a0_naff=1 \
    -F "a0_aff0_name=Academy of Public Administration" -F a0_aff0_country=KZ -F corresponding=0 \
    -F declare_originality=yes -F declare_license=yes -F competing_interests=None \
    -F manuscript=@"$TEST_TMP/paper.md" -F action=submit "$DESK_BASE/submit?lang=en")
check_eq "a submission sent through the form waits (200)" 200 "$status"
CONFIRM=$("$PY" - "$JC/.journal/outbox.db" <<'PY'
import email, email.policy, re, sqlite3, sys
for (raw,) in sqlite3.connect(sys.argv[1]).execute("select message from messages"):
    m = email.message_from_bytes(bytes(raw), policy=email.policy.default)
    found = re.search(r"/confirm/[0-9a-f]{32}/[0-9a-f]{64}", m.get_body().get_content())
    if found:
        print(found.group(0))
PY
)
check "the confirmation link is in the outbox" -- test -n "$CONFIRM"
curl -s -m 20 -o "$TEST_TMP/confirm.html" "$DESK_BASE$CONFIRM"
stop_desk
CONFIRM_CSRF=$(field_of csrf "$TEST_TMP/confirm.html")
DESK_ID=$(echo "$CONFIRM" | cut -d/ -f3)
SUBMITS=$(git -C "$JC" log --format=%s | grep -c '^Submit #')
check "the confirmation page carries its CSRF token" -- test -n "$CONFIRM_CSRF"
[ -n "$REVIEW_CSRF" ] && [ -n "$CONFIRM_CSRF" ] || finish

# post KIND: the form of that kind, posted to DESK_BASE; prints the HTTP status.
post() {
    case $1 in
    accept)
        curl -s -m 20 -o /dev/null -w '%{http_code}' --data "answer=accept&csrf=$ACCEPT_CSRF" \
            "$DESK_BASE$PAGE/answer" ;;
    review)
        curl -s -m 20 -o /dev/null -w '%{http_code}' -F "csrf=$REVIEW_CSRF" -F "based=$REVIEW_BASED" \
            -F verdict=minor-revision -F "comments=<$TEST_TMP/comments.txt" -F send=1 \
            "$DESK_BASE$PAGE/review" ;;
    confirm)
        curl -s -m 20 -o /dev/null -w '%{http_code}' --data "csrf=$CONFIRM_CSRF" "$DESK_BASE$CONFIRM" ;;
    esac
}
# recorded KIND DIR: what must be there exactly once after a trial, as "COUNT STATE-OK".
recorded() {
    local n
    case $1 in
    accept)
        n=$(git -C "$2" log --format=%s | grep -c 'accepts to review #10')
        awk '/^- reviewer: victoria-ciobanu/ {on=1; next} /^- / {on=0} on' \
            "$2/submissions/10/submission.yaml" | grep -q 'state: accepted' && echo "$n ok" ||
            echo "$n not-accepted" ;;
    review)
        n=$(git -C "$2" log --format=%s | grep -c '^\(Amend review of\|Review\) #10 by victoria-ciobanu')
        grep -q '^verdict: minor-revision' "$2/submissions/10/reviews/round-1/victoria-ciobanu.yaml" \
            2>/dev/null && echo "$n ok" || echo "$n no-review-file" ;;
    confirm)
        n=$(git -C "$2" log --format=%B | grep -c "^Desk: $DESK_ID$")
        if [ "$(git -C "$2" log --format=%s | grep -c '^Submit #')" = $((SUBMITS + 1)) ] &&
            [ ! -e "$2/.journal/desk/waiting/$DESK_ID/manuscript" ]; then
            echo "$n ok"
        else
            echo "$n not-settled"
        fi ;;
    esac
}
# (An acceptance and a review send no mail, so there is no before-release point for them.)
declare -A points=([accept]="before-commit mid-worktree after-commit before-index"
    [review]="before-commit mid-worktree after-commit before-index"
    [confirm]="before-commit mid-worktree after-commit before-index desk-after-commit before-release")
declare -A prepared=([accept]=$J [review]=$JR [confirm]=$JC)
start_desk "$J"
curl -s -m 20 -o "$TEST_TMP/invitation.html" "$DESK_BASE$PAGE"
stop_desk
ACCEPT_CSRF=$(field_of csrf "$TEST_TMP/invitation.html")

for kind in accept review confirm; do
    P=${prepared[$kind]}
    read -r -a kpoints <<<"${points[$kind]}"
    base_commits=$(commit_count "$P")
    bad_once= bad_state= bad_doctor= bad_git= bad_tree= bad_mail= bad_retry= killed=0
    started=$SECONDS
    for i in $(seq "$TRIALS"); do
        T=$TEST_TMP/t$i
        cp -a "$P" "$T"
        # Half the trials at a crash point, half killed after a random delay.
        if [ $((i % 2)) = 1 ]; then
            point=${kpoints[$(((i / 2) % ${#kpoints[@]}))]}
            start_desk "$T" JOURNAL_TEST_KILL_AT="$point"
        else
            point="after $((RANDOM % 300)) ms"
            start_desk "$T"
        fi
        post "$kind" >/dev/null &
        posted=$!
        case $point in
        after*) sleep "0.$(printf '%03d' "${point//[^0-9]/}")"; kill -9 "$DESK_PID" 2>/dev/null ;;
        esac
        wait "$posted"
        for _ in $(seq 200); do kill -0 "$DESK_PID" 2>/dev/null || break; sleep 0.05; done
        kill -0 "$DESK_PID" 2>/dev/null || killed=$((killed + 1))
        kill -9 "$DESK_PID" 2>/dev/null
        wait "$DESK_PID" 2>/dev/null
        DESK_PID=
        # Started again; the same form is posted once more.
        start_desk "$T"
        status=$(post "$kind")
        [ "$status" = 303 ] || bad_retry="$bad_retry $i($point: $status)"
        stop_desk
        read -r n state <<<"$(recorded "$kind" "$T")"
        [ "$n" = 1 ] || bad_once="$bad_once $i($point: $n)"
        [ "$(commit_count "$T")" = $((base_commits + 1)) ] || bad_once="$bad_once $i($point: commits)"
        [ "$state" = ok ] || bad_state="$bad_state $i($point: $state)"
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
        [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$T" "$T.doctor"
    done
    echo "# $kind: $TRIALS trials in $((SECONDS - started)) s"
    check_eq "$kind: every trial's server was killed ($TRIALS trials)" "$TRIALS" "$killed"
    check_eq "$kind: posted again after the restart, the form answers 303 in every trial" "" "$bad_retry"
    check_eq "$kind: recorded exactly once, in one commit, in every trial" "" "$bad_once"
    check_eq "$kind: the record is complete in every trial" "" "$bad_state"
    check_eq "$kind: journal doctor is clean after every trial" "" "$bad_doctor"
    check_eq "$kind: git fsck is clean after every trial" "" "$bad_git"
    check_eq "$kind: the work tree is clean after every trial" "" "$bad_tree"
    check_eq "$kind: no mail was made twice in any trial" "" "$bad_mail"
done
check "no sanitizer report from the servers" -- \
    sh -c "! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$DESK_LOG'"
finish
