#!/usr/bin/env bash
# The review-round commands (assign, review, decide, revise) refuse bad input
# and actions the rules forbid: exit 1 with a message that says why, nothing on
# stdout, and a repository left byte-for-byte as it was. Usage errors exit 2.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
W=$TEST_TMP/work
sample_journal "$J" || finish
mkdir -p "$W"
cd "$W" || finish
unset JOURNAL_REVIEWER

# refuse CODE NAME REGEX -- ARGS...: `journal -C $J ARGS` must exit CODE with
# stderr matching REGEX, print nothing on stdout, and leave the journal exactly
# as it was (same HEAD, same files, same git internals).
refuse() {
    local code=$1 name=$2 regex=$3 before=$TEST_TMP/.before
    shift 3
    [ "${1:-}" = "--" ] && shift
    snapshot "$J" >"$before"
    expect_exit "$code" "$name: exits $code" -- "$JOURNAL" -C "$J" "$@"
    expect_stderr_match "$regex" "$name: stderr says /$regex/"
    if [ -s "$OUT" ]; then
        fail "$name: nothing on stdout" "stdout: $(head -c 300 "$OUT")"
    else
        pass "$name: nothing on stdout"
    fi
    expect_unchanged "$before" "$J" "$name: repository byte-for-byte unchanged"
}

# setup DESC -- ARGS...: a step that must succeed (with one commit) to reach the next state.
setup() {
    local desc=$1 before
    shift
    [ "${1:-}" = "--" ] && shift
    before=$(commit_count "$J")
    expect_exit 0 "setup: $desc" -- "$JOURNAL" -C "$J" "$@" &&
        check_eq "setup: $desc: one commit" $((before + 1)) "$(commit_count "$J")"
}

# Files the commands read.
printf 'Clear and well argued.\n' >c.md
printf 'A note for the editor.\n' >k.md
: >empty.md
printf '  \n\t\n\n' >blank.md
printf 'Good work overall.\nOne bad \xff byte here.\n' >bad_utf8.md
cp "$J/submissions/10/manuscript.md" ms10.md
sed -i 's/^The pilot is small and covers/The pilot is small (revised) and covers/' ms10.md
printf 'We have revised the limitations.\n' >response.md
# The revised manuscript with a wrong ORCID check digit for Corneliu Balan.
sed 's/0000-0003-4924-7517/0000-0003-4924-7518/' ms10.md >bad_orcid.md
ORCID_LINE=$(grep -n '0000-0003-4924-7518' bad_orcid.md | cut -d: -f1)
# A Russian manuscript, for the capacity rule (the capacity-1 reviewer reads only Russian).
cat >ru.md <<'EOF'
---
title: "Конкурсный отбор на государственную службу"
lang: ru
type: research-article
abstract: "Мы изучаем, как централизованное тестирование изменило отбор."
keywords: [отбор, тестирование]
authors:
  - name: Айгерим Тестова
    email: a.testova@example.org
    corresponding: true
    affiliations:
      - name: Академия тестирования
        country: KZ
---

## Введение

Текст статьи.
EOF

P='^journal (assign|review|decide|revise): '

# The snapshot leaves out .journal/ (the rebuildable cache, lock and outbox) but
# `git status --ignored` would show it appear: create it before the first snapshot.
expect_exit 0 "setup: journal reindex creates .journal/" -- "$JOURNAL" -C "$J" reindex
OVERRIDE_HINT='to assign anyway, give --override-conflict'

# ---- usage errors: exit 2 ----

refuse 2 "assign without --reviewer" "usage: journal assign" -- assign 10
refuse 2 "assign --reviewer without a value" "--reviewer needs a value" -- assign 10 --reviewer
refuse 2 "assign without a number" "usage: journal assign" -- assign --reviewer asel-bekova
refuse 2 "assign with a bad number" "'abc' is not a submission number" -- assign abc --reviewer asel-bekova
refuse 2 "assign --override-conflict with an empty justification" \
    "--override-conflict needs a justification" -- assign 10 --reviewer ion-rusu --override-conflict ""
refuse 2 "assign with an unknown option" "unknown option '--bogus'" -- assign 10 --reviewer asel-bekova --bogus
refuse 2 "review without --verdict" "usage: journal review" -- review 10 --comments c.md --as asel-bekova
refuse 2 "review without --comments" "usage: journal review" -- review 10 --verdict accept --as asel-bekova
refuse 2 "review without --as and without JOURNAL_REVIEWER" \
    "which reviewer\? give --as REVIEWER-ID \(or set JOURNAL_REVIEWER\)" \
    -- review 10 --verdict accept --comments c.md
export JOURNAL_REVIEWER=
refuse 2 "review without --as, JOURNAL_REVIEWER empty" "which reviewer\?" \
    -- review 10 --verdict accept --comments c.md
unset JOURNAL_REVIEWER
# A decision word outside accept|revise|reject is a malformed command line (exit 2).
refuse 2 "decide with a bad decision word" "decision 'maybe' is not one of accept, revise, reject" \
    -- decide 10 maybe
refuse 2 "decide without a decision" "usage: journal decide" -- decide 10
refuse 2 "revise without a manuscript" "usage: journal revise" -- revise 10
refuse 2 "show --role nonsense" "--role nonsense: expected editor or author" -- show 10 --role nonsense
refuse 2 "diff with an option" "unknown option" -- diff 10 --bogus

# ---- unknown submission ----

refuse 1 "assign 99" "${P}there is no submission 99" -- assign 99 --reviewer asel-bekova
refuse 1 "review 99" "${P}there is no submission 99" -- review 99 --verdict accept --comments c.md --as asel-bekova
refuse 1 "decide 99" "${P}there is no submission 99" -- decide 99 accept
refuse 1 "revise 99" "${P}there is no submission 99" -- revise 99 ms10.md --response response.md

# ---- unknown reviewer, due dates ----

refuse 1 "unknown reviewer" "${P}unknown reviewer 'no-such-reviewer': not in reviewers\.yaml" \
    -- assign 10 --reviewer no-such-reviewer
refuse 1 "due date in the past" "${P}--due 2026-01-10: the due date must be after today \(2026-01-15\)" \
    -- assign 10 --reviewer asel-bekova --due 2026-01-10
refuse 1 "due date today" "${P}--due 2026-01-15: the due date must be after today" \
    -- assign 10 --reviewer asel-bekova --due 2026-01-15
for due in 3x 0d -2w 2026-02-30 2026-2-1 tomorrow 21; do
    refuse 1 "malformed due '$due'" "${P}--due $due: expected a number of days or weeks \(21d, 3w\) or a date \(YYYY-MM-DD\)" \
        -- assign 10 --reviewer asel-bekova --due "$due"
done

# ---- decisions and revisions in the wrong state (both submissions are submitted) ----

refuse 1 "decide accept on a submitted submission" \
    "${P}submission 11 is submitted: decide needs it to be under-review; what can happen now: .*journal decide 11 reject" \
    -- decide 11 accept
refuse 1 "decide revise on a submitted submission" "${P}submission 11 is submitted: decide needs it to be under-review" \
    -- decide 11 revise
refuse 1 "revise on a submitted submission" "${P}submission 10 is submitted: revise needs it to be revision-requested" \
    -- revise 10 ms10.md
refuse 1 "review before anyone is assigned" "${P}submission 10 is submitted: review needs it to be under-review" \
    -- review 10 --verdict accept --comments c.md --as asel-bekova

# ---- conflicts of interest and eligibility ----

# Author's institution, not declared (the planted conflicts in reviewers.yaml).
refuse 1 "same institution as Marat Iskakov (yerlan-dzhaksybekov on 11)" \
    "${P}cannot assign yerlan-dzhaksybekov to submission 11: .*shares an institution with the author Marat Iskakov.*rule: institution.*$OVERRIDE_HINT" \
    -- assign 11 --reviewer yerlan-dzhaksybekov
refuse 1 "same institution as Dilshod Karimov (dilnoza-yusupova on 11)" \
    "${P}cannot assign dilnoza-yusupova to submission 11: .*shares an institution with the author Dilshod Karimov.*rule: institution" \
    -- assign 11 --reviewer dilnoza-yusupova
refuse 1 "same institution as Natalia Ursu, spelled differently (victoria-ciobanu on 10)" \
    "${P}cannot assign victoria-ciobanu to submission 10: .*shares an institution with the author Natalia Ursu.*rule: institution" \
    -- assign 10 --reviewer victoria-ciobanu
# Declared conflicts: by name and by ORCID iD.
refuse 1 "declared conflict with Corneliu Balan by name (ion-rusu on 10)" \
    "${P}cannot assign ion-rusu to submission 10: ion-rusu declared a conflict with the author Corneliu Balan.*rule: declared.*$OVERRIDE_HINT" \
    -- assign 10 --reviewer ion-rusu
refuse 1 "declared conflict with Marat Iskakov by ORCID iD (gulmira-sadykova on 11)" \
    "${P}cannot assign gulmira-sadykova to submission 11: .*declared a conflict with the author Marat Iskakov.*rule: declared" \
    -- assign 11 --reviewer gulmira-sadykova
# Language: Russian-only reviewers for an English manuscript.
refuse 1 "ru-only reviewer for an English manuscript (nurlan-abenov on 10)" \
    "${P}cannot assign nurlan-abenov to submission 10: nurlan-abenov does not review in the manuscript's language \(en\).*rule: language" \
    -- assign 10 --reviewer nurlan-abenov
refuse 1 "ru-only reviewer for an English manuscript (rustam-khodjaev on 11)" \
    "${P}cannot assign rustam-khodjaev to submission 11: .*does not review in the manuscript's language \(en\).*rule: language" \
    -- assign 11 --reviewer rustam-khodjaev
# Inactive reviewers: refused, and no override.
refuse 1 "inactive reviewer (timur-usenov)" "${P}cannot assign timur-usenov: timur-usenov is marked inactive in reviewers\.yaml" \
    -- assign 10 --reviewer timur-usenov
refuse 1 "inactive reviewer (helen-whitfield, an English reviewer)" \
    "${P}cannot assign helen-whitfield: .*inactive" -- assign 10 --reviewer helen-whitfield
refuse 1 "inactive reviewer even with --override-conflict" "${P}cannot assign timur-usenov: .*inactive" \
    -- assign 10 --reviewer timur-usenov --override-conflict "We really need this reviewer"

# ---- round 1 of submission 10 under review ----

setup "assign asel-bekova to 10" -- assign 10 --reviewer asel-bekova
refuse 1 "the same reviewer twice in a round" \
    "${P}asel-bekova is already assigned to submission 10 in round 1" -- assign 10 --reviewer asel-bekova
refuse 1 "the same reviewer twice, with --override-conflict" \
    "${P}asel-bekova is already assigned to submission 10 in round 1" \
    -- assign 10 --reviewer asel-bekova --override-conflict "Twice is better"
refuse 1 "review by a reviewer not assigned" \
    "${P}aliya-temirkhanova is not assigned to submission 10 in round 1; only assigned reviewers can record a verdict" \
    -- review 10 --verdict accept --comments c.md --as aliya-temirkhanova
JOURNAL_REVIEWER=aliya-temirkhanova refuse 1 "review by a reviewer not assigned (JOURNAL_REVIEWER)" \
    "${P}aliya-temirkhanova is not assigned to submission 10" -- review 10 --verdict accept --comments c.md
refuse 1 "review by someone not in the roster" "${P}nobody-at-all is not assigned to submission 10" \
    -- review 10 --verdict accept --comments c.md --as nobody-at-all
refuse 1 "verdict outside the list" \
    "${P}verdict 'great' is not one of accept, minor-revision, major-revision, reject" \
    -- review 10 --verdict great --comments c.md --as asel-bekova
refuse 1 "verdict 'revise' (a decision, not a verdict)" "${P}verdict 'revise' is not one of" \
    -- review 10 --verdict revise --comments c.md --as asel-bekova
refuse 1 "--amend without an earlier verdict" \
    "${P}--amend: asel-bekova has no verdict for submission 10 in round 1 to amend" \
    -- review 10 --verdict accept --comments c.md --as asel-bekova --amend
refuse 1 "missing comments file" "${P}--comments: nothere\.md: no such file" \
    -- review 10 --verdict accept --comments nothere.md --as asel-bekova
refuse 1 "empty comments file" "${P}empty\.md: .*--comments: the file is empty" \
    -- review 10 --verdict accept --comments empty.md --as asel-bekova
refuse 1 "comments file with only whitespace" "${P}blank\.md: .*the file is empty" \
    -- review 10 --verdict accept --comments blank.md --as asel-bekova
refuse 1 "comments file with invalid UTF-8" "${P}bad_utf8\.md:2:9: invalid UTF-8 \(byte 0xff\)" \
    -- review 10 --verdict accept --comments bad_utf8.md --as asel-bekova
refuse 1 "confidential comments with invalid UTF-8" "${P}bad_utf8\.md:2:9: invalid UTF-8" \
    -- review 10 --verdict accept --comments c.md --confidential bad_utf8.md --as asel-bekova
refuse 1 "missing confidential comments file" "${P}--confidential: nothere\.md: no such file" \
    -- review 10 --verdict accept --comments c.md --confidential nothere.md --as asel-bekova
refuse 1 "decide before any verdict is in" \
    "${P}submission 10 has no verdict in round 1 yet \(1 reviewer assigned\); record reviews before deciding" \
    -- decide 10 accept
refuse 1 "decide reject before any verdict is in (not a desk rejection)" \
    "${P}submission 10 has no verdict in round 1 yet" -- decide 10 reject
refuse 1 "revise on under-review" \
    "${P}submission 10 is under-review: revise needs it to be revision-requested" -- revise 10 ms10.md

setup "review 10 by asel-bekova" -- review 10 --verdict minor-revision --comments c.md --confidential k.md --as asel-bekova
refuse 1 "a second verdict without --amend" \
    "${P}asel-bekova already recorded a verdict for submission 10 in round 1; give --amend to replace it" \
    -- review 10 --verdict accept --comments c.md --as asel-bekova
JOURNAL_REVIEWER=asel-bekova refuse 1 "a second verdict without --amend (JOURNAL_REVIEWER)" \
    "${P}asel-bekova already recorded a verdict" -- review 10 --verdict reject --comments c.md

# ---- capacity: fill the capacity-1 reviewer maral-annayeva (ru only) first ----

setup "submit a Russian manuscript (12)" -- submit ru.md
setup "submit a second Russian manuscript (13)" -- submit ru.md
setup "assign maral-annayeva (capacity 1) to 12" -- assign 12 --reviewer maral-annayeva
refuse 1 "capacity: maral-annayeva already has 1 open review" \
    "${P}cannot assign maral-annayeva to submission 13: maral-annayeva already has 1 open review \(capacity 1\).*rule: capacity.*$OVERRIDE_HINT" \
    -- assign 13 --reviewer maral-annayeva

# ---- conflict_same_country: true in journal.yaml ----

printf 'conflict_same_country: true\n' >>"$J/journal.yaml"
tgit -C "$J" commit -q -am "Reviewers from an author's country have a conflict"
refuse 1 "same country as the authors (elena-munteanu, Moldova, on 10)" \
    "${P}cannot assign elena-munteanu to submission 10: elena-munteanu is from the same country as the author Corneliu Balan \(MD; conflict_same_country in journal\.yaml\).*rule: same country.*$OVERRIDE_HINT" \
    -- assign 10 --reviewer elena-munteanu
refuse 1 "same country as an author (aliya-temirkhanova, KZ, on 11)" \
    "${P}cannot assign aliya-temirkhanova to submission 11: .*same country as the author Marat Iskakov.*rule: same country" \
    -- assign 11 --reviewer aliya-temirkhanova

# ---- submission 10 asked for a revision ----

setup "decide 10 revise" -- decide 10 revise
refuse 1 "decide accept on revision-requested" \
    "${P}submission 10 is revision-requested: decide needs it to be under-review; what can happen now: revise" \
    -- decide 10 accept
refuse 1 "decide revise on revision-requested" "${P}submission 10 is revision-requested: decide needs it to be under-review" \
    -- decide 10 revise
refuse 1 "decide reject on revision-requested" "${P}submission 10 is revision-requested: decide needs it to be under-review" \
    -- decide 10 reject
refuse 1 "review on revision-requested" "${P}submission 10 is revision-requested: review needs it to be under-review" \
    -- review 10 --verdict accept --comments c.md --as asel-bekova --amend
refuse 1 "revise with a bad ORCID iD in the revised manuscript" \
    "${P}bad_orcid\.md:${ORCID_LINE}:12: ORCID iD '0000-0003-4924-7518' has a wrong check digit" \
    -- revise 10 bad_orcid.md --response response.md
sed '$s/^/\xff/' ms10.md >ms_utf8.md
refuse 1 "revise with a manuscript in invalid UTF-8" "${P}ms_utf8\.md:[0-9]+:1: invalid UTF-8 \(byte 0xff\)" \
    -- revise 10 ms_utf8.md
refuse 1 "revise with an empty manuscript" "${P}empty\.md: .*empty.*front matter" -- revise 10 empty.md
refuse 1 "revise with a missing manuscript" "${P}nothere\.md: no such file" -- revise 10 nothere.md
refuse 1 "revise with an empty response" "${P}empty\.md: .*--response: the file is empty" \
    -- revise 10 ms10.md --response empty.md
refuse 1 "revise with a response in invalid UTF-8" "${P}bad_utf8\.md:2:9: invalid UTF-8" \
    -- revise 10 ms10.md --response bad_utf8.md

# ---- finished reviews: accepted and desk-rejected submissions refuse every action ----

setup "revise 10 (round 2)" -- revise 10 ms10.md --response response.md
refuse 1 "review in round 2 by a round-1 reviewer not assigned again" \
    "${P}asel-bekova is not assigned to submission 10 in round 2" \
    -- review 10 --verdict accept --comments c.md --as asel-bekova
setup "assign asel-bekova to 10 in round 2" -- assign 10 --reviewer asel-bekova
refuse 1 "--amend in round 2 of a verdict given in round 1" \
    "${P}--amend: asel-bekova has no verdict for submission 10 in round 2 to amend" \
    -- review 10 --verdict accept --comments c.md --as asel-bekova --amend
setup "review 10 by asel-bekova in round 2" -- review 10 --verdict accept --comments c.md --as asel-bekova
setup "decide 10 accept" -- decide 10 accept
setup "decide 11 reject (desk rejection)" -- decide 11 reject
FINISHED='what can happen now: nothing \(its review is finished\)'
# An accepted submission may still be withdrawn at its authors' request, until it is in an issue.
refuse 1 "assign on accepted" \
    "${P}submission 10 is accepted: assign needs it to be submitted or under-review; what can happen now: withdrawal \(journal withdraw 10\)$" \
    -- assign 10 --reviewer dinara-ospanova
refuse 1 "review --amend on accepted" "${P}submission 10 is accepted: review needs it to be under-review" \
    -- review 10 --verdict reject --comments c.md --as asel-bekova --amend
refuse 1 "decide on accepted" "${P}submission 10 is accepted: decide needs it to be under-review" \
    -- decide 10 reject
refuse 1 "revise on accepted" "${P}submission 10 is accepted: revise needs it to be revision-requested" \
    -- revise 10 ms10.md
refuse 1 "decide on desk-rejected" "${P}submission 11 is desk-rejected: decide needs it to be under-review; $FINISHED" \
    -- decide 11 reject
refuse 1 "assign on desk-rejected" "${P}submission 11 is desk-rejected: assign needs it" \
    -- assign 11 --reviewer dinara-ospanova

# ---- a roster entry without an email ----

EMAIL_LINE=$(grep -n '^    email: a.bekova@example.org$' "$J/reviewers.yaml" | cut -d: -f1)
ENTRY_LINE=$(grep -n '^  - id: asel-bekova$' "$J/reviewers.yaml" | cut -d: -f1)
sed -i "${EMAIL_LINE}d" "$J/reviewers.yaml"
tgit -C "$J" commit -q -am "A roster entry without email"
refuse 1 "reviewers with an entry without email" \
    "^journal reviewers: reviewers\.yaml:${ENTRY_LINE}:5: reviewer 'asel-bekova' has no email" -- reviewers
refuse 1 "reviewers --json with an entry without email" "reviewers\.yaml:${ENTRY_LINE}:5: .*no email" \
    -- reviewers --json
refuse 1 "assign another reviewer with an entry without email" \
    "^journal assign: reviewers\.yaml:${ENTRY_LINE}:5: reviewer 'asel-bekova' has no email" \
    -- assign 13 --reviewer farida-saidova

finish
