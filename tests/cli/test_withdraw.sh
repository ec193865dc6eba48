#!/usr/bin/env bash
# journal withdraw (issue 19's withdrawn figure): the authors ask to withdraw a submission and
# the office records it, in one commit, from submitted, under-review, revision-requested or
# accepted. The record says withdrawn, with the date and a timeline event with the reason
# (the office's: the author's view shows when, not why); the current round's outstanding
# invitations are withdrawn and their reviewers mailed; the corresponding author gets an
# acknowledgement in the manuscript's language. A published or scheduled article (retracted,
# not withdrawn), a rejected or an already withdrawn submission, an unknown number: each
# refused with a clear message, exit 1, the repository unchanged. Nothing acts on a withdrawn
# submission afterwards, and build-issue never publishes it.
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

R1=asel-bekova        # invited, never answers
R2=aliya-temirkhanova # accepts, the review not in
R3=dinara-ospanova    # reviews
R4=malika-tursunova   # declines
AUTHOR=c.balan@example.com # submission 10's corresponding author
email_of() { grep -A3 "id: $1\$" "$J/reviewers.yaml" | grep email | sed 's/.*email: *//'; }
# refused DESC STDERR-PATTERN -- ARGS...: journal ARGS exits 1, says STDERR-PATTERN, the
# repository (HEAD, files, status) is exactly as it was and no mail went out.
# A usage error exits 2: refused_usage.
refused() { refused_with 1 "$@"; }
refused_usage() { refused_with 2 "$@"; }
refused_with() {
    local code=$1 desc=$2 pattern=$3
    shift 3
    [ "${1:-}" = "--" ] && shift
    local before=$TEST_TMP/.before mails
    snapshot "$J" >"$before"
    mails=$(mails)
    expect_exit "$code" "$desc" -- "$JOURNAL" -C "$J" "$@"
    expect_stderr_match "$pattern" "... saying: $pattern"
    expect_unchanged "$before" "$J" "... and the repository is unchanged"
    check_eq "... and no mail went out" "$mails" "$(mails)"
}
# field N KEY: a top-level field of submissions/N/submission.yaml.
field() { sed -n "s/^$2: *//p" "$J/submissions/$1/submission.yaml"; }
# inv N REVIEWER KEY: an assignment's field (the first of the reviewer's).
inv() {
    awk -v who="$2" -v key="$3" '
        /^- reviewer: / || /^history:/ { cur = $3 }
        cur == who && index($0, "  " key ": ") == 1 { sub("^  " key ": *", ""); print; exit }
    ' "$J/submissions/$1/submission.yaml"
}
echo "Comments." >c.md

# ---- submission 10 under review: every way an invitation can stand ----
for r in $R1 $R2 $R3 $R4; do
    expect_exit 0 "assign $r to 10" -- "$JOURNAL" -C "$J" assign 10 --reviewer $r
done
expect_exit 0 "$R2 accepts" -- "$JOURNAL" -C "$J" assign 10 --accept $R2
expect_exit 0 "$R3 reviews" -- "$JOURNAL" -C "$J" review 10 --verdict minor-revision --comments c.md --as $R3
expect_exit 0 "$R4 declines" -- "$JOURNAL" -C "$J" assign 10 --decline $R4 --reason "On leave"
expect_exit 0 "reviewers" -- "$JOURNAL" -C "$J" reviewers
expect_stdout_match "^$R1 .* 1/3 " "before: $R1's open invitation takes capacity"

# ---- bad input: refused, nothing changed, no mail ----
refused_usage "withdraw without a number" "usage: journal withdraw NUMBER" -- withdraw
refused_usage "withdraw with a number that is not one" "" -- withdraw ten
refused_usage "--reason and --reason-file together" "give the reason once" \
    -- withdraw 10 --reason "Error" --reason-file c.md
refused_usage "an unknown option" "" -- withdraw 10 --force
refused "an unknown submission" "there is no submission 99 \(see 'journal list'\)" -- withdraw 99
refused "a published article" \
    "submission 1 is published in issue 1: a published article is not withdrawn but retracted" \
    -- withdraw 1 --reason "The authors asked"
refused "--reason with nothing in it" "--reason: expected some text" -- withdraw 10 --reason " "
refused "--reason on two lines" "--reason: control character 0x0a" \
    -- withdraw 10 --reason "$(printf 'one\ntwo')"
refused "--reason-file that does not exist" "nothere\.txt" -- withdraw 10 --reason-file nothere.txt
printf '\xff\n' >bad.txt
refused "--reason-file in invalid UTF-8" "bad\.txt:1:1: invalid UTF-8" -- withdraw 10 --reason-file bad.txt
head -c 5000 /dev/zero | tr '\0' 'x' >long.txt
refused "--reason-file too long for the timeline" "long\.txt: --reason-file: 5000 bytes is too long" \
    -- withdraw 10 --reason-file long.txt

# ---- withdraw 10 ----
HEAD0=$(git -C "$J" rev-parse HEAD)
before_mail=$(mails)
expect_exit 0 "withdraw 10 --reason ..." -- \
    "$JOURNAL" -C "$J" withdraw 10 --reason "The authors found an error in the data"
expect_stdout_match "^Submission 10 is withdrawn \(2026-01-15\)\.$" "... and says so"
expect_stdout_match "^Invitations withdrawn with it: $R1, $R2\.$" "... naming the invitations withdrawn"
check_eq "one commit, of submission.yaml alone" "$HEAD0 submissions/10/submission.yaml" \
    "$(git -C "$J" rev-parse HEAD~1) $(git -C "$J" show --format= --name-only HEAD)"
check_eq "its message says what and why" \
    "Withdraw #10 at the authors' request (was under-review)|Reason: The authors found an error in the data|Invitations withdrawn with it: $R1, $R2" \
    "$(git -C "$J" log -1 --format=%B | grep -v '^$' | grep -v '^Journal-Mail:' | tr '\n' '|' | sed 's/|$//')"
check_eq "the record: state withdrawn, withdrawn: today" "withdrawn 2026-01-15" \
    "$(field 10 state) $(field 10 withdrawn)"
check_eq "the open invitations are withdrawn; the reviewed and the declined stay" \
    "withdrawn withdrawn accepted declined" \
    "$(inv 10 $R1 state) $(inv 10 $R2 state) $(inv 10 $R3 state) $(inv 10 $R4 state)"
check_eq "... withdrawn today, with the reason" "2026-01-15|the submission was withdrawn" \
    "$(inv 10 $R1 answered)|$(inv 10 $R1 reason)"
check "a timeline event 'withdrawn' with the reason" -- "$PY" -c '
import sys, yaml
r = yaml.safe_load(open(sys.argv[1]))
e = r["history"][-1]
assert (e["action"], e["detail"], e["by"]) == ("withdrawn", "The authors found an error in the data", "Test Editor"), e
assert [h["action"] for h in r["history"]].count("invitation withdrawn") == 2, r["history"]' \
    "$J/submissions/10/submission.yaml"
check_eq "the work tree is clean" "" "$(git -C "$J" status --porcelain)"

# The mail: the reviewers whose invitations were open, and the author.
check_eq "three messages went out: two reviewers and the author" \
    "$((before_mail + 3))" "$(mails)"
for r in $R1 $R2; do
    m=$(decoded "$(email_of $r)" | grep 'Invitation withdrawn')
    check "$r is told the submission was withdrawn" -- sh -c "printf '%s' \"\$1\" | grep -q \
'|\[JCSRP\] Invitation withdrawn: review of submission 10|Dear .*has been withdrawn from .* at its authors. request, so we no longer need your review'" _ "$m"
    check "... without the reason, or an author's name (double-blind)" -- \
        sh -c "! printf '%s' \"\$1\" | grep -qE 'error in the data|Balan|Ursu'" _ "$m"
done
for r in $R3 $R4; do
    check_eq "$r ($(inv 10 $r state)) is not mailed" "" "$(decoded "$(email_of $r)" | grep 'withdrawn')"
done
ack=$(decoded "$AUTHOR" | grep 'withdrawn')
check "the author gets the acknowledgement, in English" -- sh -c "printf '%s' \"\$1\" | grep -q \
'^Corneliu Balan <c.balan@example.com>|\[JCSRP\] Submission 10 withdrawn: Gamified Onboarding.*|Dear Corneliu Balan, .*As you asked, your manuscript .* has been withdrawn from consideration .* on 2026-01-15'" _ "$ack"
check "... which does not quote the office's reason" -- \
    sh -c "! printf '%s' \"\$1\" | grep -q 'error in the data'" _ "$ack"

# What the other commands show.
expect_exit 0 "show 10" -- "$JOURNAL" -C "$J" show 10
expect_stdout_match "^Submission 10: withdrawn$" "show: the state"
expect_stdout_match "^Withdrawn:  2026-01-15$" "show: the date withdrawn"
expect_stdout_match "withdrawn: The authors found an error in the data$" "show (editor): the reason in the history"
expect_exit 0 "show 10 --json" -- "$JOURNAL" -C "$J" show 10 --json
check "show --json: state and withdrawn" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["state"], d["withdrawn"]) == ("withdrawn", "2026-01-15"), d' "$OUT"
expect_exit 0 "show 10 --role author --json" -- "$JOURNAL" -C "$J" show 10 --role author --json
check "the author sees that it was withdrawn and when, not why, and no reviewer" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
text = json.dumps(d, ensure_ascii=False)
w = [h for h in d["history"] if h["what"] == "withdrawn"]
assert len(w) == 1 and w[0]["date"].startswith("2026-01-15") and "detail" not in w[0], w
assert d["state"] == "withdrawn" and d["withdrawn"] == "2026-01-15", d
for secret in sys.argv[2:]:
    assert secret not in text, secret
' "$OUT" "error in the data" "the submission was withdrawn" $R1 $R2 $R3 $R4 "On leave"
expect_exit 0 "show 10 --role author" -- "$JOURNAL" -C "$J" show 10 --role author
expect_stdout_no_match "error in the data" "show --role author (text): no reason"
expect_exit 0 "list --state withdrawn" -- "$JOURNAL" -C "$J" list --state withdrawn
expect_stdout_match "^ +10 +withdrawn " "list --state withdrawn lists 10"
expect_exit 0 "queue --json" -- "$JOURNAL" -C "$J" queue --json
check "the queue waits on nothing of 10" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = [r for v in d.values() if isinstance(v, list) for r in v if r.get("number") == 10]
assert not rows, rows' "$OUT"
expect_exit 0 "reviewers" -- "$JOURNAL" -C "$J" reviewers
expect_stdout_match "^$R1 .* 0/3 " "$R1's withdrawn invitation takes no capacity"
expect_exit 0 "remind --dry-run after the due date" -- \
    env JOURNAL_TODAY=2026-03-01 "$JOURNAL" -C "$J" remind --dry-run --json
check "remind chases no reviewer of 10" -- sh -c "! grep -q '\"number\": *10' '$OUT'"
expect_exit 0 "doctor: a withdrawn submission is consistent" -- "$JOURNAL" -C "$J" doctor

# Nothing acts on it any more.
refused "withdrawing twice" "submission 10 was already withdrawn on 2026-01-15" -- withdraw 10
refused "assign on a withdrawn submission" \
    "submission 10 is withdrawn: assign needs it to be submitted or under-review; what can happen now: nothing \(it was withdrawn on 2026-01-15\)" \
    -- assign 10 --reviewer dinara-ospanova
refused "a review on a withdrawn submission" "submission 10 is withdrawn: review needs it to be under-review" \
    -- review 10 --verdict accept --comments c.md --as $R3 --amend
refused "a decision on a withdrawn submission" "submission 10 is withdrawn: decide needs it to be under-review" \
    -- decide 10 accept
refused "build-issue with a withdrawn submission" \
    "submission 10 was withdrawn on 2026-01-15: a withdrawn submission is never published" \
    -- build-issue 3 --add 10 --date 2026-02-01

# ---- from submitted, in Russian, with --reason-file ----
cat >ru.md <<'MD'
---
title: "Карьера государственных служащих в регионах"
lang: ru
type: research-article
abstract: "Статья о карьере государственных служащих."
keywords: [карьера, государственная служба]
authors:
  - name: "Айгерим Нурланова"
    email: a.nurlanova@example.kz
    corresponding: true
    affiliations:
      - name: "Академия государственного управления"
        country: KZ
---

## Введение

Текст.
MD
expect_exit 0 "submit a manuscript in Russian" -- "$JOURNAL" -C "$J" submit ru.md
RU=$(grep -oE '[0-9]+' "$OUT" | head -1)
printf 'Авторы направили рукопись в другой журнал.\n\n' >reason.txt
expect_exit 0 "withdraw $RU --reason-file" -- "$JOURNAL" -C "$J" withdraw "$RU" --reason-file reason.txt --json
check "--json: number, state, date, no invitation" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["number"], d["state"], d["withdrawn"], d["invitations_withdrawn"]) == (int(sys.argv[2]), "withdrawn", "2026-01-15", []), d
assert len(d["commit"]) == 40, d' "$OUT" "$RU"
check_eq "the summary says it was submitted" "Withdraw #$RU at the authors' request (was submitted)" \
    "$(git -C "$J" log -1 --format=%s)"
check "the reason from the file, trimmed, in the timeline" -- "$PY" -c '
import sys, yaml
e = yaml.safe_load(open(sys.argv[1]))["history"][-1]
assert (e["action"], e["detail"]) == ("withdrawn", "Авторы направили рукопись в другой журнал."), e' \
    "$J/submissions/$RU/submission.yaml"
ack=$(decoded a.nurlanova@example.kz | grep 'отозвана')
check "the author's acknowledgement is in the manuscript's language" -- sh -c "printf '%s' \"\$1\" | grep -q \
'|\[JCSRP\] Рукопись $RU отозвана: Карьера государственных служащих в регионах|Уважаемый(ая) Айгерим Нурланова! .*По Вашей просьбе рукопись «Карьера государственных служащих в регионах» (номер $RU) 2026-01-15 снята с рассмотрения'" _ "$ack"

# ---- from revision-requested, and from accepted ----
submit_copy() { # TAG: a copy of submission 11's manuscript, submitted; sets N
    sed "s/^title: .*/title: \"Manuscript $1\"/" "$J/submissions/11/manuscript.md" >"$1.md"
    expect_exit 0 "submit $1" -- "$JOURNAL" -C "$J" submit "$1.md"
    N=$(grep -oE '[0-9]+' "$OUT" | head -1)
}
submit_copy revised
REV=$N
expect_exit 0 "assign $R3 to $REV" -- "$JOURNAL" -C "$J" assign "$REV" --reviewer $R3
expect_exit 0 "$R3 reviews $REV" -- "$JOURNAL" -C "$J" review "$REV" --verdict major-revision --comments c.md --as $R3
expect_exit 0 "decide $REV revise" -- "$JOURNAL" -C "$J" decide "$REV" revise
expect_exit 0 "withdraw $REV (revision-requested)" -- "$JOURNAL" -C "$J" withdraw "$REV"
check_eq "withdrawn from revision-requested, no reason needed" \
    "withdrawn|Withdraw #$REV at the authors' request (was revision-requested)" \
    "$(field "$REV" state)|$(git -C "$J" log -1 --format=%s)"
expect_stdout_no_match "Invitations withdrawn" "no invitation was open"

submit_copy accepted
ACC=$N
expect_exit 0 "assign $R3 to $ACC" -- "$JOURNAL" -C "$J" assign "$ACC" --reviewer $R3
expect_exit 0 "$R3 reviews $ACC" -- "$JOURNAL" -C "$J" review "$ACC" --verdict accept --comments c.md --as $R3
expect_exit 0 "decide $ACC accept" -- "$JOURNAL" -C "$J" decide "$ACC" accept
expect_exit 0 "withdraw $ACC (accepted)" -- "$JOURNAL" -C "$J" withdraw "$ACC" --reason "Published elsewhere"
check_eq "withdrawn after acceptance: the acceptance date stays on record" "withdrawn 2026-01-15 2026-01-15" \
    "$(field "$ACC" state) $(field "$ACC" accepted) $(field "$ACC" withdrawn)"
expect_exit 0 "stats --editorial --json" -- "$JOURNAL" -C "$J" stats --editorial --json
check "stats --editorial: four withdrawn, and the one withdrawn after acceptance is not accepted" -- "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
# Withdrawn: 10 (under review), the Russian one (submitted), revised (revision-requested),
# accepted. Accepted: the 9 published articles of the sample, not the one withdrawn after its
# acceptance; received 9 + 2 (10, 11) + 3; open: 11 alone.
assert (s["received"], s["withdrawn"], s["accepted"], s["open"]) == (14, 4, 9, 1), s' "$OUT"
expect_exit 0 "doctor after every withdrawal" -- "$JOURNAL" -C "$J" doctor

# ---- a rejected submission, a desk-rejected one, a scheduled one ----
expect_exit 0 "decide 11 reject (desk rejection)" -- "$JOURNAL" -C "$J" decide 11 reject
refused "a desk-rejected submission" \
    "submission 11 is desk-rejected since 2026-01-15: its review is over, so there is nothing to withdraw" \
    -- withdraw 11
submit_copy rejected
REJ=$N
expect_exit 0 "assign $R3 to $REJ" -- "$JOURNAL" -C "$J" assign "$REJ" --reviewer $R3
expect_exit 0 "$R3 reviews $REJ" -- "$JOURNAL" -C "$J" review "$REJ" --verdict reject --comments c.md --as $R3
expect_exit 0 "decide $REJ reject" -- "$JOURNAL" -C "$J" decide "$REJ" reject
refused "a rejected submission" \
    "submission $REJ is rejected since 2026-01-15: its review is over, so there is nothing to withdraw" \
    -- withdraw "$REJ"
submit_copy scheduled
SCH=$N
expect_exit 0 "assign $R3 to $SCH" -- "$JOURNAL" -C "$J" assign "$SCH" --reviewer $R3
expect_exit 0 "$R3 reviews $SCH" -- "$JOURNAL" -C "$J" review "$SCH" --verdict accept --comments c.md --as $R3
expect_exit 0 "decide $SCH accept" -- "$JOURNAL" -C "$J" decide "$SCH" accept
expect_exit 0 "build-issue 3 dated in the future: $SCH is scheduled" -- \
    "$JOURNAL" -C "$J" build-issue 3 --add "$SCH" --date 2026-06-30
check_eq "$SCH is scheduled" "scheduled" "$(field "$SCH" state)"
refused "a scheduled article" \
    "submission $SCH is scheduled in issue 3: a published article is not withdrawn but retracted" \
    -- withdraw "$SCH"

# ---- a theme from before journal withdraw: the missing template is named ----
tgit -C "$J" rm -q themes/default/mail/submission-withdrawn.en.mustache \
    themes/default/mail/submission-withdrawn.ru.mustache
tgit -C "$J" commit -qm "A theme without the withdrawal acknowledgement"
submit_copy old-theme
refused "mail on, the theme without submission-withdrawn templates" \
    "themes/default/mail/submission-withdrawn\.mustache: the theme has no such mail template" \
    -- withdraw "$N"

# ---- doctor: a withdrawn record left inconsistent by hand ----
# asel-bekova's invitation back to invited, as if its withdrawal had never been written.
"$PY" - "$J/submissions/10/submission.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"(- reviewer: asel-bekova\n(?:  .*\n)*?)  state: withdrawn\n  answered: .*\n  reason: .*\n",
              r"\1  state: invited\n", text, count=1)
open(sys.argv[1], "w").write(text)
PY
tgit -C "$J" commit -qam "An invitation reopened by hand"
expect_exit 1 "doctor finds an open invitation of a withdrawn submission" -- "$JOURNAL" -C "$J" doctor
expect_stdout_match "submission 10 was withdrawn on 2026-01-15, but the invitation of $R1 \(round 1\) is still invited" \
    "... and names it"
"$PY" - "$J/submissions/$RU/submission.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text, n = re.subn(r"- at: [^\n]*\n  action: withdrawn\n(?:  .*\n)*", "", text)
assert n == 1, text
open(sys.argv[1], "w").write(text)
PY
tgit -C "$J" commit -qam "The withdrawal event removed by hand"
expect_exit 1 "doctor finds a withdrawn record without its timeline event" -- "$JOURNAL" -C "$J" doctor
expect_stdout_match "submission $RU is withdrawn, but its timeline has no withdrawal" "... and says so"
sed -i '/^withdrawn: /d' "$J/submissions/10/submission.yaml"
tgit -C "$J" commit -qam "The withdrawal date removed by hand"
expect_exit 1 "a withdrawn record without its date is refused" -- "$JOURNAL" -C "$J" show 10
expect_stderr_match "submissions/10/submission\.yaml:2:8: state withdrawn needs 'withdrawn', the date it was withdrawn" \
    "... with the file, the line and what is expected"

finish
