#!/usr/bin/env bash
# Conflict-of-interest rules that need a constructed case: the reviewer is an
# author of the manuscript, and the reviewer co-authored an article this
# journal published with one of its authors (matched by ORCID iD or by name).
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish

# Published article 3 is by Oksana Hrytsenko (0000-0001-6989-3925), Mihaela Rusnac and
# Thomas Lindqvist. Three new reviewers: Hrytsenko herself (by ORCID), Lindqvist (by name
# only, written differently), and an unrelated expert.
cat >>"$J/reviewers.yaml" <<'YAML'
  - id: oksana-hrytsenko
    name: Oksana Hrytsenko
    email: oksana.h@example.net
    orcid: 0000-0001-6989-3925
    affiliation: {name: Kyiv Policy Lab, country: UA}
    languages: [en]
    keywords: [procurement]
  - id: thomas-lindqvist
    name: "THOMAS  LINDQVIST."
    email: t.lindqvist@example.net
    affiliation: {name: Stockholm Governance Institute, country: SE}
    languages: [en]
    keywords: [procurement]
  - id: unrelated-expert
    name: Unrelated Expert
    email: u.expert@example.net
    affiliation: {name: Vilnius Policy School, country: LT}
    languages: [en]
    keywords: [procurement]
YAML
tgit -C "$J" commit -qam "Three more reviewers"

# A new submission by Mihaela Rusnac (Lindqvist's and Hrytsenko's co-author on article 3)
# and by Oksana Hrytsenko herself at a new institution.
cat >new.md <<'MD'
---
title: "Procurement complaints in Moldova after the 2022 reform"
abstract: What changed for complainants.
keywords: [procurement, complaints]
authors:
  - name: Mihaela Rusnac
    email: m.rusnac@example.org
    corresponding: true
    affiliations: [{name: Chișinău Institute of Law, country: MD}]
  - name: Oksana Hrytsenko
    orcid: 0000-0001-6989-3925
    affiliations: [{name: Kyiv Policy Lab, country: UA}]
---
Body.
MD
expect_exit 0 "submit the new manuscript" -- "$JOURNAL" -C "$J" submit new.md
N=$(cat "$OUT")
"$JOURNAL" -C "$J" list >/dev/null
before=$TEST_TMP/.before
snapshot "$J" >"$before"
expect_exit 1 "a reviewer who is an author (same ORCID iD) is refused" -- \
    "$JOURNAL" -C "$J" assign "$N" --reviewer oksana-hrytsenko
expect_stderr_match "oksana-hrytsenko is an author of the manuscript \(Oksana Hrytsenko\) \(rule: author\)" \
    "the refusal names the author rule"
expect_exit 1 "a co-author of an author in a published article is refused" -- \
    "$JOURNAL" -C "$J" assign "$N" --reviewer thomas-lindqvist
expect_stderr_match "thomas-lindqvist co-authored \"Does e-procurement reduce discretion\?.*\" \(submission 3\) with the author Mihaela Rusnac \(rule: co-author\)" \
    "the refusal names the article, the co-author and the rule"
expect_unchanged "$before" "$J" "the refused assignments changed nothing"
expect_exit 0 "an unrelated reviewer is accepted" -- "$JOURNAL" -C "$J" assign "$N" --reviewer unrelated-expert
expect_exit 0 "--explain shows both rules for the automatic plan" -- \
    "$JOURNAL" -C "$J" assign --auto "$N" -k 2 --dry-run --explain
expect_stdout_match "#$N +oksana-hrytsenko +author " "explain: author rule"
expect_stdout_match "#$N +thomas-lindqvist +co-author " "explain: co-author rule"
if grep -qE "^    (oksana-hrytsenko|thomas-lindqvist) " "$OUT"; then
    fail "neither conflicted reviewer is in the plan" "$(cat "$OUT")"
else
    pass "neither conflicted reviewer is in the plan"
fi
finish
