#!/usr/bin/env bash
# Under blind review the decision letter goes to the authors: decide refuses a letter
# (generated from the reviewers' comments, or the editor's own) that names a reviewer
# of the submission, and says where and how to fix it. Open review allows it.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
sample_journal "$J" || finish
cd "$TEST_TMP" || exit 1
R=asel-bekova
cat >paper.md <<'MD'
---
title: "A paper under double-blind review"
abstract: "Abstract."
lang: en
authors:
  - name: Hanako Tanaka
    affiliations:
      - name: Kyoto Institute
        country: JP
---

Body.
MD
"$JOURNAL" -C "$J" submit paper.md >"$OUT" 2>"$ERR" || { fail "submit" "$(show_output)"; finish; }
N=$(tr -dc 0-9 <"$OUT")
"$JOURNAL" -C "$J" assign "$N" --reviewer $R >"$OUT" 2>"$ERR" || fail "assign" "$(show_output)"
printf 'The method is sound.\n\nKind regards,\nAsel Bekova\n' >signed.md
printf 'Confidential.\n' >k.md
"$JOURNAL" -C "$J" review "$N" --verdict accept --comments signed.md --confidential k.md --as $R \
    >"$OUT" 2>"$ERR" || fail "review" "$(show_output)"

snapshot "$J" >before.snap
expect_exit 1 "decide refuses a generated letter that names the reviewer" -- \
    "$JOURNAL" -C "$J" decide "$N" accept
expect_stderr_match "the decision letter, line [0-9]+: the letter to the authors names the reviewer $R \(\"Asel Bekova\"\) under double-blind review" \
    "the message says which reviewer, where, and under which review mode"
expect_stderr_match "journal review $N --amend --as $R" "the message says how to fix it"
snapshot "$J" >after.snap
check "the refused decision changed nothing" -- cmp -s before.snap after.snap

printf 'Dear authors,\n\nas a.bekova@example.org wrote, we accept.\n' >letter.md
expect_exit 1 "decide refuses the editor's letter that gives the reviewer's email" -- \
    "$JOURNAL" -C "$J" decide "$N" accept --letter letter.md
expect_stderr_match "letter.md, line 3: the letter to the authors names the reviewer $R \(\"a.bekova@example.org\"\)" \
    "the message names the file and line"

# Names in the other order, in another script, with initials or in a Russian case.
cat >>"$J/reviewers.yaml" <<'YAML'
  - id: park-ji-ho
    name: Park Ji-ho
    email: jiho.park@example.kr
    affiliation: {name: Korea Public Policy Institute, country: KR}
    languages: [en]
    keywords: [governance]
YAML
tgit -C "$J" commit -qam "A reviewer whose family name comes first"
"$JOURNAL" -C "$J" assign "$N" --reviewer park-ji-ho >"$OUT" 2>"$ERR" || fail "assign park" "$(show_output)"
snapshot "$J" >before.snap
printf 'Dear authors,\n\nwe accept.\n\nJi-ho Park\n' >other-order.md
expect_exit 1 "a letter signed 'Ji-ho Park' for the roster's 'Park Ji-ho' is refused" -- \
    "$JOURNAL" -C "$J" decide "$N" accept --letter other-order.md --without park-ji-ho
expect_stderr_match "other-order.md, line 5: the letter to the authors names the reviewer park-ji-ho \(\"Park Ji-ho\"\)" \
    "the message names the reviewer as the roster writes the name"
printf 'Уважаемые авторы!\n\nСогласно отзыву, подготовленному Асель Бековой, статья принята.\n' >cyrillic.md
expect_exit 1 "a letter naming 'Асель Бековой' (Cyrillic, instrumental case) for 'Asel Bekova' is refused" -- \
    "$JOURNAL" -C "$J" decide "$N" accept --letter cyrillic.md --without park-ji-ho
expect_stderr_match "cyrillic.md, line 3: the letter to the authors names the reviewer $R" "the message gives the line"
printf 'Dear authors,\n\nwe accept (J. Park).\n' >initial.md
expect_exit 1 "a letter naming 'J. Park' is refused" -- \
    "$JOURNAL" -C "$J" decide "$N" accept --letter initial.md --without park-ji-ho
snapshot "$J" >after.snap
check "the refused letters changed nothing" -- cmp -s before.snap after.snap

printf 'The method is sound.\n' >unsigned.md
expect_exit 0 "review --amend without the signature" -- \
    "$JOURNAL" -C "$J" review "$N" --verdict accept --comments unsigned.md --confidential k.md \
    --as $R --amend
expect_exit 0 "decide accepts once the letter names no reviewer" -- \
    "$JOURNAL" -C "$J" decide "$N" accept --without park-ji-ho
check "the committed letter has the comments and no name" -- bash -c \
    "grep -q 'The method is sound' '$J/submissions/$N/letters/round-1-decision.md' &&
     ! grep -qi 'bekova' '$J/submissions/$N/letters/round-1-decision.md'"

# Under open review a signed letter is by design.
O=$TEST_TMP/open
sample_journal "$O" || finish
sed -i 's/^review_mode: .*/review_mode: open/' "$O/journal.yaml"
tgit -C "$O" commit -q -am "Open review"
"$JOURNAL" -C "$O" submit paper.md >"$OUT" 2>"$ERR" || fail "submit (open)" "$(show_output)"
N=$(tr -dc 0-9 <"$OUT")
"$JOURNAL" -C "$O" assign "$N" --reviewer $R >"$OUT" 2>"$ERR" || fail "assign (open)" "$(show_output)"
"$JOURNAL" -C "$O" review "$N" --verdict accept --comments signed.md --confidential k.md --as $R \
    >"$OUT" 2>"$ERR" || fail "review (open)" "$(show_output)"
expect_exit 0 "under open review the letter may name the reviewer" -- \
    "$JOURNAL" -C "$O" decide "$N" accept

finish
