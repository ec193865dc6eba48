#!/usr/bin/env bash
# Conflict-of-interest rules that need a constructed case: the reviewer is an
# author of the manuscript, and the reviewer co-authored an article this
# journal published with one of its authors (matched by ORCID iD or by name), and every
# rule seen through scripts, orders, initials and the other language of an institution.
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
# Across scripts and spellings: a Russian manuscript by "Соколов Дмитрий" (family name
# first, in Cyrillic) at the Eurasian National University, and by "Park Ji-ho" at an
# institution with a ROR id. Each reviewer below is in conflict by exactly one rule, seen
# through another script, order, initials or the institution's other language.
cat >>"$J/reviewers.yaml" <<'YAML'
  - id: dmitry-sokolov
    name: Dmitry Sokolov
    email: d.sokolov@example.net
    affiliation: {name: Vilnius Policy School, country: LT}
    languages: [ru]
    keywords: [procurement]
  - id: declares-ji-ho-park
    name: Erika Lund
    email: e.lund@example.net
    affiliation: {name: Vilnius Policy School, country: LT}
    languages: [ru]
    keywords: [procurement]
    conflicts: {people: [Ji-ho Park]}
  - id: declares-d-sokolov
    name: Ilse Berg
    email: i.berg@example.net
    affiliation: {name: Vilnius Policy School, country: LT}
    languages: [ru]
    keywords: [procurement]
    conflicts: {people: [Sokolov D.]}
  - id: enu-colleague
    name: Aigerim Bekova
    email: a.bekova@example.net
    affiliation: {name: L.N. Gumilyov Eurasian National University, country: KZ}
    languages: [ru]
    keywords: [procurement]
  - id: same-ror
    name: Min-seo Choi
    email: m.choi@example.net
    affiliation: {name: SNU Graduate School of Public Administration, country: KR, ror: "https://ror.org/04h9pn542"}
    languages: [ru]
    keywords: [procurement]
  - id: lindqvist-in-cyrillic
    name: Линдквист Т.
    email: lindqvist@example.ru
    affiliation: {name: Vilnius Policy School, country: LT}
    languages: [en, ru]
    keywords: [procurement]
  - id: other-ror
    name: Hana Lee
    email: h.lee@example.net
    affiliation: {name: Seoul National University, country: KR, ror: "https://ror.org/052bx8q98"}
    languages: [ru]
    keywords: [procurement]
YAML
tgit -C "$J" commit -qam "Reviewers in several scripts"
cat >ru.md <<'MD'
---
title: "Государственные закупки в Казахстане"
lang: ru
abstract: Что изменилось.
keywords: [закупки]
authors:
  - name: Соколов Дмитрий
    email: sokolov@example.kz
    corresponding: true
    affiliations: [{name: Евразийский национальный университет имени Л. Н. Гумилёва, country: KZ}]
  - name: Park Ji-ho
    affiliations: [{name: Seoul National University, country: KR, ror: "https://ror.org/04h9pn542"}]
---
Текст.
MD
expect_exit 0 "submit the Russian manuscript" -- "$JOURNAL" -C "$J" submit ru.md
R=$(cat "$OUT")
"$JOURNAL" -C "$J" list >/dev/null
snapshot "$J" >"$before"
refused() { # REVIEWER RULE MESSAGE-REGEX WHAT
    expect_exit 1 "$4" -- "$JOURNAL" -C "$J" assign "$R" --reviewer "$1"
    expect_stderr_match "$3 \(rule: $2\)" "$4: the refusal names the rule"
}
refused dmitry-sokolov author "dmitry-sokolov is an author of the manuscript \(Соколов Дмитрий\)" \
    "Dmitry Sokolov is the author Соколов Дмитрий (other script, other order)"
refused declares-ji-ho-park declared "declared a conflict with the author Park Ji-ho" \
    "a conflict declared with Ji-ho Park holds for Park Ji-ho"
refused declares-d-sokolov declared "declared a conflict with the author Соколов Дмитрий" \
    "a conflict declared with 'Sokolov D.' holds for Соколов Дмитрий (initial, other script)"
refused enu-colleague institution "shares an institution with the author Соколов Дмитрий \(Евразийский национальный университет имени Л. Н. Гумилёва\)" \
    "the Eurasian National University in English is the same institution in Russian"
refused same-ror institution "shares an institution with the author Park Ji-ho \(Seoul National University\)" \
    "institutions with the same ROR id are one, whatever their names"
refused_n() {
    expect_exit 1 "$2" -- "$JOURNAL" -C "$J" assign "$N" --reviewer "$1"
    expect_stderr_match "$1 co-authored .* \(submission 3\) with the author Mihaela Rusnac \(rule: co-author\)" \
        "$2: the refusal names the rule"
}
refused_n lindqvist-in-cyrillic \
    "'Линдквист Т.' is Thomas Lindqvist, co-author of a published article (script, order, initial)"
expect_unchanged "$before" "$J" "the refused cross-script assignments changed nothing"
expect_exit 0 "the same name with another ROR id is another institution" -- \
    "$JOURNAL" -C "$J" assign "$R" --reviewer other-ror
expect_exit 0 "an editor who knows better assigns anyway, with the reason recorded" -- \
    "$JOURNAL" -C "$J" assign "$R" --reviewer enu-colleague \
    --override-conflict "different faculty, never worked together"
expect_exit 0 "the automatic plan sees the same conflicts" -- \
    "$JOURNAL" -C "$J" assign --auto "$R" -k 3 --dry-run --explain
for pair in "dmitry-sokolov author" "declares-ji-ho-park declared" \
    "declares-d-sokolov declared" "same-ror institution"; do
    set -- $pair
    expect_stdout_match "#$R +$1 +$2 " "explain: $1 excluded by the $2 rule"
done
finish
