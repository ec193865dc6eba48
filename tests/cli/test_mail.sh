#!/usr/bin/env bash
# Mail from editorial actions, against a real SMTP server on 127.0.0.1
# (tests/support/smtp_sink.py, Debian's python3-aiosmtpd): acknowledgement on
# submit, invitation on assign (no author named under double-blind review),
# the decision letter, reminders; when the server is down the action still
# succeeds and the message waits in the outbox, sent exactly once later.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

smtp_sink

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
cd "$TEST_TMP" || finish

# Submission: the corresponding author gets an acknowledgement.
cp "$J/submissions/2/manuscript.md" ru.md
expect_exit 0 "submit a Russian manuscript" -- "$JOURNAL" -C "$J" submit ru.md
N=$(cat "$OUT")
check_eq "one message sent on submit" 1 "$(mails)"
author_email=$(grep -m1 "email:" ru.md | sed 's/.*email: *//')
check "the acknowledgement went to the corresponding author $author_email" -- \
    sh -c "grep -q '$author_email' '$MAIL'/*.json"
ack=$(decoded "$author_email")
check "the Russian author's acknowledgement is in Russian, its subject decoded" -- \
    sh -c "printf '%s' \"\$1\" | grep -q '|\[JCSRP\] Рукопись $N получена: Оценка результативности'" _ "$ack"
check "... addressed formally, with the journal's Russian title" -- \
    sh -c "printf '%s' \"\$1\" | grep -q 'Уважаемый(ая) .*журнал «Журнал реформы и практики государственной службы»'" _ "$ack"
check "... and no English sentence of the English template" -- \
    sh -c "! printf '%s' \"\$1\" | grep -q 'Dear\\|Thank you\\|received'" _ "$ack"

# A reviewer who reviews only in Russian is invited in Russian, to a Russian manuscript or not;
# one who reviews in the manuscript's language gets that language.
ru_only=$(grep -A3 "id: nurlan-abenov" "$J/reviewers.yaml" | grep email | sed 's/.*email: *//')
expect_exit 0 "assign the Russian manuscript to a reviewer who reviews only in Russian" -- \
    "$JOURNAL" -C "$J" assign "$N" --reviewer nurlan-abenov --override-conflict "tested"
invitation=$(decoded "$ru_only")
check "the Russian-only reviewer's invitation subject decodes to Russian" -- \
    sh -c "printf '%s' \"\$1\" | grep -q '|\[JCSRP\] Приглашение к рецензированию рукописи $N: Оценка результативности'" _ "$invitation"
check "... and its body is Russian" -- \
    sh -c "printf '%s' \"\$1\" | grep -q 'Уважаемый(ая) .*Приглашаю Вас отрецензировать рукопись'" _ "$invitation"

# Assignment: the reviewer is invited; under double-blind review no author is named.
expect_exit 0 "assign a reviewer" -- "$JOURNAL" -C "$J" assign 10 --reviewer victoria-ciobanu --override-conflict "tested"
reviewer_email=$(grep -A3 "id: victoria-ciobanu" "$J/reviewers.yaml" | grep email | sed 's/.*email: *//')
invitation=$(decoded "$reviewer_email")
check "the invitation reached $reviewer_email" -- test -n "$invitation"
check "an English manuscript's invitation to a reviewer who reviews in English is English" -- sh -c "printf '%s' \"\$1\" | grep -q '|\[JCSRP\] Invitation to review submission 10: .*Dear '" _ "$invitation"
leak=""
for name in "Corneliu Balan" "Natalia Ursu" "c.balan" "Customs Training Centre"; do
    case "$invitation" in *"$name"*) leak="$leak $name" ;; esac
done
check_eq "the double-blind invitation names no author or affiliation" "" "$leak"

# The server goes down: the action still succeeds, the message waits.
stop_sink
before=$(mails)
expect_exit 0 "assign while the server is down still succeeds" -- \
    "$JOURNAL" -C "$J" assign 10 --reviewer asel-bekova
expect_stderr_match "warning: mail not sent: .*127\.0\.0\.1.*(refused|connect)" \
    "the warning says the server could not be reached"
check "the assignment is committed" -- grep -q "reviewer: asel-bekova" "$J/submissions/10/submission.yaml"
expect_exit 0 "outbox lists the waiting invitation" -- "$JOURNAL" -C "$J" outbox --json
check "the invitation waits, queued, with one attempt and the error" -- "$PY" -c '
import json, sys
msgs = [m for m in json.load(open(sys.argv[1])) if m["state"] == "queued"]
assert len(msgs) == 1 and msgs[0]["purpose"] == "invitation" and msgs[0]["attempts"] == 1, msgs
assert msgs[0]["last_error"], msgs' "$OUT"
expect_exit 3 "outbox flush with the server down fails (exit 3)" -- "$JOURNAL" -C "$J" outbox flush
expect_stderr_match "127\.0\.0\.1.*the message stays in the outbox" "and says the message stays in the outbox"
start_sink "$SINK_PORT"
expect_exit 0 "outbox flush once the server is back" -- "$JOURNAL" -C "$J" outbox flush
expect_stdout_match "Sent 1 message" "flush sent the waiting invitation"
check_eq "the invitation arrived exactly once" 1 "$(decoded a.bekova@example.org | wc -l)"
expect_exit 0 "a second flush" -- "$JOURNAL" -C "$J" outbox flush
expect_stdout_match "Sent 0 messages" "nothing is sent twice"
check_eq "still one invitation for asel-bekova" 1 "$(decoded a.bekova@example.org | wc -l)"

# Decision: the letter goes to the corresponding author, with reviewers as Reviewer N only.
echo "Clear and useful; report attrition." >c.md
echo "CONFIDENTIAL remark" >k.md
expect_exit 0 "review" -- "$JOURNAL" -C "$J" review 10 --verdict minor-revision --comments c.md --confidential k.md --as asel-bekova
expect_exit 1 "decide revise with victoria-ciobanu's review outstanding is refused" -- \
    "$JOURNAL" -C "$J" decide 10 revise
expect_stderr_match "reviews outstanding in round 1: victoria-ciobanu \(invited\).*--without victoria-ciobanu" \
    "... naming the reviewer and the way on"
expect_exit 0 "decide revise --without victoria-ciobanu" -- \
    "$JOURNAL" -C "$J" decide 10 revise --without victoria-ciobanu
withdrawal=$(decoded "$reviewer_email" | grep 'Invitation withdrawn')
check "the reviewer gone without is told, by the withdrawal mail" -- \
    sh -c "printf '%s' \"\$1\" | grep -q '|\[JCSRP\] Invitation withdrawn: review of submission 10|Dear .*A decision has now been reached'" _ "$withdrawal"
author10=$(grep -m1 "email:" "$J/submissions/10/manuscript.md" | sed 's/.*email: *//')
letter=$(decoded "$author10")
check "the decision reached $author10" -- sh -c "printf '%s' \"\$1\" | grep -q 'Decision on submission 10'" _ "$letter"
check "the letter quotes Reviewer 1" -- sh -c "printf '%s' \"\$1\" | grep -q 'Reviewer 1: Minor revision'" _ "$letter"
check "... in English, for an English manuscript" -- sh -c "printf '%s' \"\$1\" | grep -q 'Dear .*Reviewer 1: Minor revision'" _ "$letter"
leak=""
for secret in "Asel Bekova" "a.bekova" "asel-bekova" "CONFIDENTIAL remark" "Victoria"; do
    case "$letter" in *"$secret"*) leak="$leak $secret" ;; esac
done
check_eq "the decision mail names no reviewer and no confidential comment" "" "$leak"

# The Russian author's decision letter is Russian, the reviewers' verdicts too.
echo "Ясно и полезно." >c-ru.md
expect_exit 0 "review the Russian manuscript" -- \
    "$JOURNAL" -C "$J" review "$N" --verdict major-revision --comments c-ru.md --as nurlan-abenov
expect_exit 0 "decide revise on the Russian manuscript" -- "$JOURNAL" -C "$J" decide "$N" revise
letter=$(decoded "$author_email" | grep 'Решение')
check "the Russian author's decision subject decodes to Russian" -- \
    sh -c "printf '%s' \"\$1\" | grep -q '|\[JCSRP\] Решение по рукописи $N: Оценка результативности'" _ "$letter"
check "... the letter is Russian, Reviewer 1's verdict in Russian" -- \
    sh -c "printf '%s' \"\$1\" | grep -q 'Уважаемый(ая) .*Рецензент 1: существенная доработка .*Ясно и полезно'" _ "$letter"
check "... as is the letter stored with the submission" -- \
    grep -q "Замечания рецензентов (раунд 1)" "$J/submissions/$N/letters/round-1-decision.md"
check_eq "... which names no reviewer" "" "$(grep -l 'Abenov\|Абенов\|nurlan' "$J/submissions/$N/letters/round-1-decision.md")"

# Reminders: overdue reviews only, once a day.
expect_exit 0 "assign 11 with a due date" -- "$JOURNAL" -C "$J" assign 11 --reviewer aliya-temirkhanova --due 2026-01-20
expect_exit 0 "assign 11 (English) to the reviewer who reviews only in Russian" -- \
    "$JOURNAL" -C "$J" assign 11 --reviewer nurlan-abenov --due 2026-01-20 --override-conflict "tested"
export JOURNAL_TODAY=2026-02-01
expect_exit 0 "remind" -- "$JOURNAL" -C "$J" remind
expect_stdout_match "reminded +#11 +aliya-temirkhanova +due 2026-01-20 \(12 days late\)" "remind lists the overdue review"
aliya=$(grep -A3 "id: aliya-temirkhanova" "$J/reviewers.yaml" | grep email | sed 's/.*email: *//')
check_eq "one reminder reached $aliya" 1 "$(decoded "$aliya" | grep -c 'Reminder: your review of submission 11')"
check "the Russian-only reviewer is invited to the English manuscript in Russian, its first language" -- \
    sh -c "printf '%s' \"\$1\" | grep -q '|\[JCSRP\] Приглашение к рецензированию рукописи 11: '" _ "$(decoded "$ru_only")"
check_eq "... and reminded in Russian" 1 \
    "$(decoded "$ru_only" | grep -c '|\[JCSRP\] Напоминание: срок рецензии на рукопись 11 истёк 2026-01-20|Уважаемый(ая) ')"
check_eq "the reviewer of the English manuscript who reviews in English is reminded in English" 1 \
    "$(decoded "$aliya" | grep -c '|\[JCSRP\] Reminder: your review of submission 11 was due on 2026-01-20|Dear ')"
expect_exit 0 "remind again the same day" -- "$JOURNAL" -C "$J" remind
expect_stdout_match "already reminded today" "the second run skips it"
check_eq "still one reminder" 1 "$(decoded "$aliya" | grep -c 'Reminder')"
unset JOURNAL_TODAY
export JOURNAL_TODAY=2026-01-15

# Without mail_from_address nothing is queued and the actions still work.
J2=$TEST_TMP/nomail
sample_journal "$J2" || finish
expect_exit 0 "assign without mail settings" -- "$JOURNAL" -C "$J2" assign 10 --reviewer asel-bekova
check "no outbox was created" -- test ! -e "$J2/.journal/outbox.db"
expect_exit 1 "outbox says mail is off" -- "$JOURNAL" -C "$J2" outbox
expect_stderr_match "mail is off" "the message says so"

# With a sender but no smtp_host, mail waits in the outbox, and every command says so.
J3=$TEST_TMP/noserver
sample_journal "$J3" || finish
echo "mail_from_address: office@journal.example.org" >>"$J3/journal.yaml"
tgit -C "$J3" commit -qam "A sender, no server"
expect_exit 0 "submit a Russian manuscript without a server" -- "$JOURNAL" -C "$J3" submit ru.md
N3=$(cat "$OUT")
expect_exit 0 "outbox list" -- "$JOURNAL" -C "$J3" outbox list
expect_stdout_match "queued .*Рукопись $N3 получена: Оценка результативности государственных служащих" \
    "outbox list shows the Cyrillic subject decoded, every encoded-word of it"
expect_stdout_no_match "=\?UTF-8\?" "... and no RFC 2047 encoded-word"
expect_exit 0 "outbox list --state failed" -- "$JOURNAL" -C "$J3" outbox list --state failed
expect_stdout_match "^No failed messages \(the outbox holds 1 queued\)\.$" \
    "outbox list --state failed says there are none, and what is queued"
expect_stdout_no_match "The outbox is empty" "... not that the outbox is empty"
expect_exit 2 "outbox list --state with an unknown state" -- "$JOURNAL" -C "$J3" outbox list --state faild
expect_stderr_match "unknown state 'faild'.*did you mean failed\?" "... is refused with a suggestion"
expect_exit 0 "assign 11 with a due date (no server)" -- \
    "$JOURNAL" -C "$J3" assign 11 --reviewer aliya-temirkhanova --due 2026-01-20
export JOURNAL_TODAY=2026-02-01
expect_exit 0 "remind without a server" -- "$JOURNAL" -C "$J3" remind
expect_stdout_match "^queued +#11 +aliya-temirkhanova +due 2026-01-20 \(12 days late\)" \
    "remind says the reminder was queued"
expect_stdout_no_match "reminded" "... not that anyone was reminded"
expect_stdout_match "^1 reminder queued in the outbox but not sent: journal.yaml has no smtp_host" \
    "... and why it was not sent"
export JOURNAL_TODAY=2026-01-15

# A theme made before templates came per language (mail/<name>.mustache) keeps working; a
# language without its own template falls back to the journal's main language's.
J4=$TEST_TMP/oldtheme
sample_journal "$J4" || finish
for t in "$J4"/themes/default/mail/*.en.mustache; do tgit -C "$J4" mv "$t" "${t%.en.mustache}.mustache"; done
tgit -C "$J4" rm -q themes/default/mail/acknowledgement.ru.mustache themes/default/mail/invitation.ru.mustache
echo "mail_from_address: office@journal.example.org" >>"$J4/journal.yaml"
tgit -C "$J4" commit -qam "An old theme: unsuffixed mail templates"
expect_exit 0 "submit a Russian manuscript with an old theme" -- "$JOURNAL" -C "$J4" submit ru.md
expect_exit 0 "outbox list" -- "$JOURNAL" -C "$J4" outbox list
expect_stdout_match "acknowledgement .*\[JCSRP\] Submission [0-9]+ received: Оценка" \
    "the acknowledgement comes from the unsuffixed template"
tgit -C "$J4" mv themes/default/mail/invitation.mustache themes/default/mail/invitation.en.mustache
tgit -C "$J4" commit -qm "The invitation in the main language only"
expect_exit 0 "assign a Russian-only reviewer" -- \
    "$JOURNAL" -C "$J4" assign 11 --reviewer nurlan-abenov --override-conflict "tested"
expect_exit 0 "outbox list" -- "$JOURNAL" -C "$J4" outbox list
expect_stdout_match "invitation .*\[JCSRP\] Invitation to review submission 11" \
    "with no Russian invitation, the main language's is sent"
tgit -C "$J4" rm -q themes/default/mail/invitation.en.mustache
tgit -C "$J4" commit -qm "No invitation template at all"
expect_exit 1 "assign with no invitation template in any language" -- \
    "$JOURNAL" -C "$J4" assign 10 --reviewer asel-bekova
expect_stderr_match "themes/default/mail/invitation.mustache: the theme has no such mail template, in no language" \
    "... is refused, naming the template"
finish
