#!/usr/bin/env bash
# An invitation's life (issue 18): the reviewer accepts or declines by email and the editor
# records it (assign --accept / --decline, with a reason and a suggested colleague), or the
# editor withdraws it and the reviewer is mailed (assign --withdraw, decide --without); an
# unanswered invitation expires after invitation_days. The queue shows declined, unanswered
# and expired invitations; a decline or withdrawal frees the reviewer's capacity; assign
# --auto never invites again a reviewer who declined; remind never chases one who declined
# or was withdrawn; a review on a declined or withdrawn invitation is refused. Every refusal
# says why, exits non-zero and leaves the repository as it was.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
smtp_sink

J=$TEST_TMP/sample
W=$TEST_TMP/work
sample_journal "$J" || finish
cat >>"$J/journal.yaml" <<YAML
mail_from_address: office@journal.example.org
smtp_host: 127.0.0.1
smtp_port: $SINK_PORT
smtp_tls: none
YAML
tgit -C "$J" commit -qam "Mail settings"
mkdir -p "$W"
cd "$W" || finish

R1=asel-bekova
R2=aliya-temirkhanova
R3=dinara-ospanova
R4=armen-hovhannisyan
email_of() { grep -A3 "id: $1\$" "$J/reviewers.yaml" | grep email | sed 's/.*email: *//'; }
head_of() { git -C "$J" rev-parse HEAD; }
# refused DESC STDERR-PATTERN -- ARGS...: journal ARGS exits 1, says STDERR-PATTERN, and the
# repository (HEAD, files, status) is exactly as it was.
# A usage error (a wrong combination of options) exits 2: refused_usage.
refused() { refused_with 1 "$@"; }
refused_usage() { refused_with 2 "$@"; }
refused_with() {
    local code=$1 desc=$2 pattern=$3
    shift 3
    [ "${1:-}" = "--" ] && shift
    local before=$TEST_TMP/.before
    snapshot "$J" >"$before"
    expect_exit "$code" "$desc" -- "$JOURNAL" -C "$J" "$@"
    expect_stderr_match "$pattern" "... saying: $pattern"
    expect_unchanged "$before" "$J" "... and the repository is unchanged"
}
# field N REVIEWER KEY: an assignment's field in submissions/N/submission.yaml (round 1's first).
field() {
    awk -v who="$2" -v key="$3" '
        /^- reviewer: / || /^history:/ { cur = $3 }
        cur == who && index($0, "  " key ": ") == 1 { sub("^  " key ": *", ""); print; exit }
    ' "$J/submissions/$1/submission.yaml"
}

for r in $R1 $R2 $R3; do
    expect_exit 0 "assign $r to 10" -- "$JOURNAL" -C "$J" assign 10 --reviewer $r
done
check_eq "a new invitation is written with state: invited" "invited invited invited" \
    "$(field 10 $R1 state) $(field 10 $R2 state) $(field 10 $R3 state)"

# ---- bad input first: each refused, nothing changed ----
refused "--decline on a submission not under review" \
    "submission 11 is submitted: answer needs it to be under-review" -- assign 11 --decline $R1
refused "--accept of a reviewer not invited" \
    "--accept nobody-here: nobody-here was not invited to review submission 10 in round 1 \(invited: $R1, $R2, $R3\)" \
    -- assign 10 --accept nobody-here
refused "--decline on a submission that does not exist" "there is no submission 99" \
    -- assign 99 --decline $R1
refused_usage "--accept and --decline together" "give one of --accept, --decline and --withdraw" \
    -- assign 10 --accept $R1 --decline $R2
refused_usage "--suggest with --accept" "--suggest goes with --decline" \
    -- assign 10 --accept $R1 --suggest "Someone"
refused "--reason with nothing in it" "--reason: expected some text" \
    -- assign 10 --decline $R1 --reason "  "
refused "--reason on two lines" "--reason: control character 0x0a" \
    -- assign 10 --decline $R1 --reason "$(printf 'one\ntwo')"

# ---- accept ----
expect_exit 0 "assign 10 --accept $R1 records the answer given by email" -- \
    "$JOURNAL" -C "$J" assign 10 --accept $R1
expect_stdout_match "^Recorded: $R1 accepted the invitation to review submission 10 \(round 1\)\.$" \
    "... and says so"
check_eq "state: accepted, answered today" "accepted 2026-01-15" \
    "$(field 10 $R1 state) $(field 10 $R1 answered)"
check_eq "one commit, with a clear message" "Record that $R1 accepts to review #10 (round 1)" \
    "$(git -C "$J" log -1 --format=%s)"
check "a timeline event" -- sh -c "tail -5 '$J/submissions/10/submission.yaml' | grep -q 'action: invitation accepted'"
check_eq "the work tree is clean" "" "$(git -C "$J" status --porcelain)"
refused "answering twice" "--accept $R1: the invitation to review submission 10 \(round 1\) was already answered: accepted on 2026-01-15" \
    -- assign 10 --accept $R1
refused "--decline after accepting" "already answered: accepted on 2026-01-15; to release the reviewer, withdraw the invitation" \
    -- assign 10 --decline $R1

# ---- decline ----
expect_exit 0 "assign 10 --decline $R2 with a reason and a suggested colleague" -- \
    "$JOURNAL" -C "$J" assign 10 --decline $R2 --reason "On leave until March" \
    --suggest "Dr Ivan Petrov, ivan@example.org"
check_eq "state: declined, answered, reason and suggested recorded" \
    "declined|2026-01-15|On leave until March|Dr Ivan Petrov, ivan@example.org" \
    "$(field 10 $R2 state)|$(field 10 $R2 answered)|$(field 10 $R2 reason)|$(field 10 $R2 suggested)"
check "the commit message gives the reason and the suggestion" -- \
    sh -c "git -C '$J' log -1 --format=%B | grep -qx 'Reason: On leave until March' && git -C '$J' log -1 --format=%B | grep -qx 'Suggested: Dr Ivan Petrov, ivan@example.org'"
refused "withdrawing a declined invitation" "--withdraw $R2: there is nothing to withdraw from submission 10 \(round 1\): declined on 2026-01-15" \
    -- assign 10 --withdraw $R2
refused "declining twice" "already answered: declined on 2026-01-15" -- assign 10 --decline $R2
echo "Sound." >c.md
refused "a review on a declined invitation" \
    "$R2's invitation to review submission 10 \(round 1\) was declined on 2026-01-15" \
    -- review 10 --verdict accept --comments c.md --as $R2
refused "assigning the reviewer who declined, in the same round" \
    "$R2 is already assigned to submission 10 in round 1 \(declined on 2026-01-15\)" \
    -- assign 10 --reviewer $R2

# ---- capacity: a decline frees it ----
expect_exit 0 "reviewers" -- "$JOURNAL" -C "$J" reviewers
expect_stdout_match "^$R1 .* 1/3 " "an accepted invitation counts in the load"
expect_stdout_match "^$R2 .* 0/3 " "a declined invitation does not"
expect_stdout_match "^$R3 .* 1/5 " "an unanswered invitation does"

# ---- the queue ----
expect_exit 0 "queue" -- "$JOURNAL" -C "$J" queue
expect_stdout_match "^ +10 +2 of 3 assigned" "10 waits for one more reviewer: the declined one left a place"
expect_stdout_match "^Invitations not answered yet:" "an 'Invitations not answered yet' section"
expect_stdout_match "^ +10 +$R3 +invited 2026-01-15 \(0 days ago\)" "... listing $R3"
expect_stdout_match "^Invitations declined:" "an 'Invitations declined' section"
expect_stdout_match "^ +10 +$R2 +declined 2026-01-15: On leave until March; suggests Dr Ivan Petrov" \
    "... with the reason and the suggested colleague"
expect_exit 0 "queue --json on 2026-01-30, after invitation_days (14)" -- \
    env JOURNAL_TODAY=2026-01-30 "$JOURNAL" -C "$J" queue --json
check_eq "queue --json: $R3's invitation has expired, none is unanswered, $R2 declined" \
    "$R3||$R2|On leave until March" \
    "$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1]))
print("|".join([",".join(r["reviewer"] for r in d["expired"]), ",".join(r["reviewer"] for r in d["unanswered"]), ",".join(r["reviewer"] for r in d["declined"]), d["declined"][0].get("reason","")]))' "$OUT")"
expect_exit 0 "show 10 --json on 2026-01-30" -- env JOURNAL_TODAY=2026-01-30 "$JOURNAL" -C "$J" show 10 --json
check_eq "show --json: each reviewer's state" "$R1:accepted $R2:declined $R3:expired" \
    "$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(r["reviewer"]+":"+r["state"] for r in d["reviewers"]))' "$OUT")"
expect_exit 0 "reviewers on 2026-01-30" -- env JOURNAL_TODAY=2026-01-30 "$JOURNAL" -C "$J" reviewers
expect_stdout_match "^$R3 .* 0/5 " "an expired invitation takes no capacity"

# ---- assign --auto fills the declined place, never with the reviewer who declined ----
expect_exit 0 "assign --auto 10 --dry-run" -- "$JOURNAL" -C "$J" assign --auto 10 --dry-run --json
check "--auto proposes one reviewer for the declined place, not $R2" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
who = [p["reviewer"] for p in d["pairs"] if p["number"] == 10]
assert len(who) == 1 and "'$R2'" not in who, who' "$OUT"

# ---- remind: never the declined reviewer ----
expect_exit 0 "remind --dry-run after the due date" -- \
    env JOURNAL_TODAY=2026-02-10 "$JOURNAL" -C "$J" remind --dry-run --json
check "remind chases $R1 (accepted) and $R3 (expired: it may still be answered), never $R2 (declined)" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = d if isinstance(d, list) else d.get("reminders", d)
who = sorted(r["reviewer"] for r in rows)
assert who == sorted(["'$R1'", "'$R3'"]), who' "$OUT"

# ---- withdraw: the reviewer is mailed ----
before_mail=$(decoded "$(email_of $R3)" | wc -l)
expect_exit 0 "assign 10 --withdraw $R3 --reason ..." -- \
    "$JOURNAL" -C "$J" assign 10 --withdraw $R3 --reason "No answer; asked someone else"
expect_stdout_match "^Withdrew the invitation of $R3 to review submission 10 \(round 1\)\.$" "... and says so"
check_eq "state: withdrawn, answered today, the reason kept" \
    "withdrawn 2026-01-15 No answer; asked someone else" \
    "$(field 10 $R3 state) $(field 10 $R3 answered) $(field 10 $R3 reason)"
check_eq "one commit with a clear message" "Withdraw the invitation of $R3 to review #10 (round 1)" \
    "$(git -C "$J" log -1 --format=%s)"
withdrawal=$(decoded "$(email_of $R3)" | grep 'Invitation withdrawn')
check "$R3 got the withdrawal mail" -- \
    sh -c "printf '%s' \"\$1\" | grep -q '|\[JCSRP\] Invitation withdrawn: review of submission 10|Dear .*We are withdrawing our invitation'" _ "$withdrawal"
check "... which does not quote the reason recorded for the office" -- \
    sh -c "! printf '%s' \"\$1\" | grep -q 'asked someone else'" _ "$withdrawal"
refused "withdrawing twice" "nothing to withdraw from submission 10 \(round 1\): withdrawn on 2026-01-15" \
    -- assign 10 --withdraw $R3
refused "a review on a withdrawn invitation" "was withdrawn on 2026-01-15" \
    -- review 10 --verdict accept --comments c.md --as $R3
expect_exit 0 "remind --dry-run after the withdrawal" -- \
    env JOURNAL_TODAY=2026-02-10 "$JOURNAL" -C "$J" remind --dry-run --json
check "remind no longer chases $R3 (withdrawn)" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = d if isinstance(d, list) else d.get("reminders", d)
assert sorted(r["reviewer"] for r in rows) == ["'$R1'"], rows' "$OUT"

# ---- a review on an invited assignment accepts it ----
expect_exit 0 "assign $R4 to 10" -- "$JOURNAL" -C "$J" assign 10 --reviewer $R4
expect_exit 0 "$R4 reviews without having answered" -- \
    "$JOURNAL" -C "$J" review 10 --verdict minor-revision --comments c.md --as $R4
check_eq "the review marks the invitation accepted" "accepted 2026-01-15" \
    "$(field 10 $R4 state) $(field 10 $R4 answered)"

# ---- decide with a review outstanding ----
refused "decide with $R1's review outstanding" \
    "submission 10 has reviews outstanding in round 1: $R1 \(accepted\);.*journal decide 10 revise --without $R1" \
    -- decide 10 revise
refused "decide --without a reviewer who declined" \
    "--without $R2: $R2's review of submission 10 \(round 1\) is not outstanding: declined on 2026-01-15" \
    -- decide 10 revise --without $R1 --without $R2
refused "decide --without a reviewer not invited" "--without nobody-here: nobody-here was not invited" \
    -- decide 10 revise --without nobody-here,$R1
HEAD0=$(head_of)
expect_exit 0 "decide 10 revise --without $R1" -- "$JOURNAL" -C "$J" decide 10 revise --without $R1
check_eq "one commit: the decision with the withdrawal" \
    "$HEAD0 submissions/10/letters/round-1-decision.md submissions/10/submission.yaml" \
    "$(git -C "$J" rev-parse HEAD~1) $(git -C "$J" show --format= --name-only HEAD | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "$R1's invitation is withdrawn in it" "withdrawn 2026-01-15" \
    "$(field 10 $R1 state) $(field 10 $R1 answered)"
check "its message names the review gone without" -- \
    sh -c "git -C '$J' log -1 --format=%B | grep -q 'Without the review of (invitation withdrawn): $R1'"
withdrawal=$(decoded "$(email_of $R1)" | grep 'Invitation withdrawn')
check "$R1 is told: a decision was reached without the review" -- \
    sh -c "printf '%s' \"\$1\" | grep -q 'A decision has now been reached'" _ "$withdrawal"

# ---- the author never learns who declined, was withdrawn or went without ----
expect_exit 0 "show 10 --role author --json" -- "$JOURNAL" -C "$J" show 10 --role author --json
check "the author's timeline has the invitation events without a reviewer's id, name or reason" -- \
    "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
text = json.dumps(d, ensure_ascii=False)
events = [h["what"] for h in d["history"]]
assert "invitation declined" in events and "invitation withdrawn" in events, events
for secret in sys.argv[2:]:
    assert secret not in text, secret
' "$OUT" $R1 $R2 $R3 "On leave" "Ivan Petrov" "asked someone else" "Asel Bekova"

# ---- round 2: the reviewer who declined is not invited again without asking ----
cp "$J/submissions/10/manuscript.md" v2.md
echo "Revised paragraph." >>v2.md
expect_exit 0 "revise 10" -- "$JOURNAL" -C "$J" revise 10 v2.md
expect_exit 0 "assign --auto 10 -k 3 --dry-run in round 2" -- \
    "$JOURNAL" -C "$J" assign --auto 10 -k 3 --dry-run --json
check "--auto never proposes $R2, who declined 10 in round 1" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
who = [p["reviewer"] for p in d["pairs"]]
assert who and "'$R2'" not in who, who' "$OUT"
refused "assign of the reviewer who declined, in a later round" \
    "$R2 declined to review submission 10 in round 1; to invite them again anyway, add --reinvite" \
    -- assign 10 --reviewer $R2
expect_exit 0 "assign --reinvite invites them all the same" -- \
    "$JOURNAL" -C "$J" assign 10 --reviewer $R2 --reinvite
check_eq "round 2's invitation is open" "invited" \
    "$(awk -v who=$R2 '/^- reviewer: / { cur = $3; r = 0 } /^  round: 2/ { r = 2 } cur == who && r == 2 && /^  state: / { print $2 }' "$J/submissions/10/submission.yaml")"

# ---- files written before invitations had states ----
S=$TEST_TMP/old
sample_journal "$S" || finish
expect_exit 0 "assign two reviewers in an old-style journal" -- \
    sh -c "'$JOURNAL' -C '$S' assign 10 --reviewer $R1 && '$JOURNAL' -C '$S' assign 10 --reviewer $R3"
expect_exit 0 "$R1 reviews" -- "$JOURNAL" -C "$S" review 10 --verdict accept --comments c.md --as $R1
sed -i '/^  state: /d; /^  answered: /d' "$S/submissions/10/submission.yaml"
tgit -C "$S" commit -qam "A record from before invitation states"
expect_exit 0 "doctor on a record without states" -- "$JOURNAL" -C "$S" doctor
expect_exit 0 "show 10 --json" -- "$JOURNAL" -C "$S" show 10 --json
check_eq "without state: accepted where the review exists, invited where not" \
    "$R1:accepted $R3:invited" \
    "$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(r["reviewer"]+":"+r["state"] for r in d["reviewers"]))' "$OUT")"
expect_exit 0 "doctor on the sample journal" -- "$JOURNAL" -C "$J" doctor

# ---- a hand-edited record with a bad state is refused where it is ----
sed -i "0,/^  due: /s//  state: maybe\n  due: /" "$S/submissions/10/submission.yaml"
tgit -C "$S" commit -qam "A bad state"
expect_exit 1 "assign --accept on a record with an unknown state" -- "$JOURNAL" -C "$S" assign 10 --accept $R3
expect_stderr_match "submission.yaml:[0-9]+:[0-9]+: 'state' must be one of invited, accepted, declined, withdrawn, expired" \
    "the message gives the file, the line and what is expected"

finish
