#!/usr/bin/env bash
# Names in Hangul and Han characters against the Latin spellings their people use (issue 16):
# conflict rules (a declared person, co-authorship), the packet's warnings under double-blind
# review and the decision-letter check see 박지호 as "Park Ji-ho" and 張偉 as "Zhang Wei" or
# "Chang Wei"; a name that differs by one syllable (박지후, Ji-hoo) is another person.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish

# Published article 3 gains two co-authors of Mihaela Rusnac: one written in Latin letters,
# one in Hangul.
python3 - "$J/submissions/3/manuscript.md" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
text = text.replace("authors:\n", """authors:
  - name: Park Ji-ho
    affiliations:
      - name: Korea Development Institute
        country: KR
  - name: 김민준
    affiliations:
      - name: Korea Development Institute
        country: KR
""", 1)
open(path, "w", encoding="utf-8").write(text)
PY
cat >>"$J/reviewers.yaml" <<'YAML'
  - id: park-hangul
    name: 박지호
    email: jiho@example.kr
    affiliation: {name: Busan Policy Lab, country: KR}
    languages: [en]
    keywords: [procurement]
  - id: kim-latin
    name: Kim Min-jun
    email: minjun@example.kr
    affiliation: {name: Daegu Policy Lab, country: KR}
    languages: [en]
    keywords: [procurement]
  - id: declares-hangul
    name: Erika Lund
    email: e.lund@example.net
    affiliation: {name: Vilnius Policy School, country: LT}
    languages: [en]
    keywords: [procurement]
    conflicts: {people: [박지호]}
  - id: declares-latin
    name: Ilse Berg
    email: i.berg@example.net
    affiliation: {name: Vilnius Policy School, country: LT}
    languages: [en]
    keywords: [procurement]
    conflicts: {people: [Park Ji-ho]}
  - id: park-ji-hoo
    name: 박지후
    email: jihoo@example.kr
    affiliation: {name: Incheon Policy Lab, country: KR}
    languages: [en]
    keywords: [procurement]
  - id: zhang-hant
    name: 張偉
    email: zhang.wei@example.tw
    affiliation: {name: Taipei Policy Lab, country: TW}
    languages: [en]
    keywords: [procurement]
  - id: zhang-hans
    name: 张伟
    email: zhangwei@example.cn
    affiliation: {name: Shanghai Policy Lab, country: CN}
    languages: [en]
    keywords: [procurement]
YAML
tgit -C "$J" commit -qam "Korean and Chinese names" || fail "commit"

paper() { # FILE AUTHOR BODY
    cat >"$1" <<MD
---
title: "Procurement reviews in Korea"
abstract: What changed.
lang: en
keywords: [procurement]
authors:
  - name: $2
    email: author-$RANDOM@example.org
    corresponding: true
    affiliations: [{name: Chungnam Policy Institute, country: KR}]
---
$3
MD
}
paper latin.md "Park Ji-ho" "Body."
paper hangul.md "박지호" "Body."
paper rusnac.md "Mihaela Rusnac" "Body."
for f in latin hangul rusnac; do
    "$JOURNAL" -C "$J" submit $f.md >"$OUT" 2>"$ERR" || fail "submit $f" "$(show_output)"
    eval "N_$f=\$(tr -dc 0-9 <\"\$OUT\")"
done
"$JOURNAL" -C "$J" list >/dev/null

snapshot "$J" >before.snap
refused() { # NUMBER REVIEWER RULE MESSAGE-REGEX WHAT
    expect_exit 1 "$5" -- "$JOURNAL" -C "$J" assign "$1" --reviewer "$2"
    expect_stderr_match "$4 \(rule: $3\)" "$5: the refusal names the rule"
}
refused "$N_latin" declares-hangul declared "declared a conflict with the author Park Ji-ho" \
    "a conflict declared with 박지호 holds for Park Ji-ho"
refused "$N_hangul" declares-latin declared "declared a conflict with the author 박지호" \
    "a conflict declared with Park Ji-ho holds for 박지호"
refused "$N_latin" park-hangul author "park-hangul is an author of the manuscript \(Park Ji-ho\)" \
    "the reviewer 박지호 is the author Park Ji-ho"
refused "$N_rusnac" park-hangul co-author \
    "park-hangul co-authored .* \(submission 3\) with the author Mihaela Rusnac" \
    "the reviewer 박지호 co-authored article 3 as Park Ji-ho"
refused "$N_rusnac" kim-latin co-author \
    "kim-latin co-authored .* \(submission 3\) with the author Mihaela Rusnac" \
    "the reviewer Kim Min-jun co-authored article 3 as 김민준"
expect_unchanged before.snap "$J" "the refused assignments changed nothing"
expect_exit 0 "박지후 (Ji-hoo) is not Park Ji-ho" -- \
    "$JOURNAL" -C "$J" assign "$N_latin" --reviewer park-ji-hoo
expect_exit 0 "the automatic plan sees the same conflicts" -- \
    "$JOURNAL" -C "$J" assign --auto "$N_rusnac" -k 2 --dry-run --explain
expect_stdout_match "#$N_rusnac +park-hangul +co-author " "explain: 박지호 excluded as a co-author"
expect_stdout_match "#$N_rusnac +kim-latin +co-author " "explain: Kim Min-jun excluded as a co-author"

# The packet under double-blind review warns of the author 박지호 named in Latin letters.
paper blind.md "박지호" "As Ji-ho Park (2021) showed, reviews take time."
"$JOURNAL" -C "$J" submit blind.md >"$OUT" 2>"$ERR" || fail "submit blind" "$(show_output)"
B=$(tr -dc 0-9 <"$OUT")
expect_exit 0 "assign a reviewer to the blind paper" -- \
    "$JOURNAL" -C "$J" assign "$B" --reviewer asel-bekova
expect_exit 0 "packet under double-blind review" -- \
    "$JOURNAL" -C "$J" packet "$B" --reviewer asel-bekova -o blind-packet.md
expect_stderr_match "warning: blind-packet\.md:[0-9]+: names the author 박지호: As Ji-ho Park \(2021\)" \
    "the packet warns of 'Ji-ho Park' for the author 박지호"

# The decision letter must not name 張偉 or 张伟 as Zhang Wei or Chang Wei.
# The second reviewer never reviews: the decision goes --without them (their invitation is
# withdrawn), and the letter still must not name them.
decide_letter() { # REVIEWER
    R=$1
    paper "dl-$1.md" "Marat Iskakov" "Body."
    "$JOURNAL" -C "$J" submit "dl-$1.md" >"$OUT" 2>"$ERR" || fail "submit for $1" "$(show_output)"
    D=$(tr -dc 0-9 <"$OUT")
    "$JOURNAL" -C "$J" assign "$D" --reviewer asel-bekova >"$OUT" 2>"$ERR" ||
        fail "assign asel-bekova" "$(show_output)"
    "$JOURNAL" -C "$J" assign "$D" --reviewer "$1" >"$OUT" 2>"$ERR" || fail "assign $1" "$(show_output)"
    printf 'The method is sound.\n' >c.md
    printf 'Confidential.\n' >k.md
    "$JOURNAL" -C "$J" review "$D" --verdict accept --comments c.md --confidential k.md \
        --as asel-bekova >"$OUT" 2>"$ERR" || fail "review" "$(show_output)"
}
decide_letter zhang-hant
for signed in "Zhang Wei" "Chang Wei"; do
    printf 'Dear authors,\n\nwe accept.\n\n%s\n' "$signed" >letter.md
    expect_exit 1 "a letter signed '$signed' for the reviewer 張偉 is refused" -- \
        "$JOURNAL" -C "$J" decide "$D" accept --letter letter.md --without "$R"
    expect_stderr_match "letter.md, line 5: the letter to the authors names the reviewer zhang-hant \(\"張偉\"\)" \
        "'$signed': the message names the reviewer as the roster writes the name"
done
decide_letter zhang-hans
for signed in "Zhang Wei" "Wei Chang"; do
    printf 'Dear authors,\n\nwe accept.\n\n%s\n' "$signed" >letter.md
    expect_exit 1 "a letter signed '$signed' for the reviewer 张伟 is refused" -- \
        "$JOURNAL" -C "$J" decide "$D" accept --letter letter.md --without "$R"
    expect_stderr_match "letter.md, line 5: the letter to the authors names the reviewer zhang-hans" \
        "'$signed': the message names the reviewer"
done
printf 'Dear authors,\n\nwe accept. Zhang Min and Wang Wei (2020) agree.\n' >letter.md
expect_exit 0 "a letter naming other people (Zhang Min, Wang Wei) passes" -- \
    "$JOURNAL" -C "$J" decide "$D" accept --letter letter.md --without "$R"

finish
