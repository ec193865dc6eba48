#!/usr/bin/env bash
# journal packet: the reviewer's copy. Under double-blind review no author's
# name, email, ORCID iD or affiliation reaches it; identifying sections are
# removed and what still names an author is reported with its line.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish

# Submission 11 with an acknowledgements section and two leftover mentions of its first author.
MS=$J/submissions/11/manuscript.md
cat >>"$MS" <<'MD'

As Iskakov (2021) argued in an earlier paper, promotion rules matter.

## Acknowledgements

We thank the Karaganda team and our families.

## Data availability

Write to m.iskakov@example.org for the data.
MD
tgit -C "$J" commit -qam "Acknowledgements in 11"

expect_exit 0 "assign a reviewer to 11" -- "$JOURNAL" -C "$J" assign 11 --reviewer asel-bekova
expect_exit 0 "packet 11 -o FILE" -- "$JOURNAL" -C "$J" packet 11 --reviewer asel-bekova -o p.md
expect_stdout_match "double-blind packet for asel-bekova .*1 identifying section removed, 2 warnings" \
    "packet reports one section removed and two warnings"
expect_stderr_match "warning: p\.md:[0-9]+: names the author Marat Iskakov: As Iskakov \(2021\)" \
    "warning for the family name in the body, with its line"
expect_stderr_match "warning: p\.md:[0-9]+: names the author Marat Iskakov: Write to m\.iskakov@example\.org" \
    "warning for the email in the body"
line=$(grep -oE 'p\.md:[0-9]+: names the author Marat Iskakov: As' "$ERR" | grep -oE '[0-9]+' | head -1)
check_eq "the warning's line number points at the mention in the packet" \
    "As Iskakov (2021) argued in an earlier paper, promotion rules matter." "$(sed -n "${line}p" p.md)"

# A long Cyrillic line that names the author: the warning quotes it cut to 60 columns on a
# character (byte 60 of this line falls inside one), with an ellipsis.
R=$TEST_TMP/packet-ru
cp -a "$J" "$R"
echo "12) Как показал Iskakov (2021), правила продвижения по службе имеют большое значение для карьеры." \
    >>"$R/submissions/11/manuscript.md"
tgit -C "$R" commit -qam "A Cyrillic mention"
expect_exit 0 "packet with a long Cyrillic line naming the author" -- \
    "$JOURNAL" -C "$R" packet 11 --reviewer asel-bekova -o p-ru.md
check "the warning quotes the line cut on a character, with an ellipsis" -- python3 -c '
import sys
err = open(sys.argv[1], encoding="utf-8", errors="strict").read()
quoted = [l.split(": names the author Marat Iskakov: ", 1)[1] for l in err.splitlines()
          if "12) Как показал" in l]
assert len(quoted) == 1, err
assert quoted[0].endswith("\u2026") and len(quoted[0]) == 60, quoted[0]
assert quoted[0].startswith("12) Как показал Iskakov (2021), правила продвижения"), quoted[0]
' "$ERR"

# A Russian manuscript: its author's family name in Russian cases, in Latin letters with an
# initial, and words that only begin like it.
cat >sokolov.md <<'MD'
---
title: "Кадровый резерв в регионах"
lang: ru
abstract: Как устроен кадровый резерв.
keywords: [кадровый резерв]
authors:
  - name: Дмитрий Соколов
    email: d.sokolov@example.ru
    affiliations: [{name: Томский государственный университет, country: RU}]
---
Как показано в работе Соколова (2019), резерв формируется формально.

Эту методику мы разработали вместе с Соколовым и коллегами.

Earlier results (D. Sokolov, 2018) point the same way.

The Russian edition was prepared by Sokolovym and Ivanovym (2017).

Соколиная охота и Соколовский район здесь ни при чём.
MD
expect_exit 0 "submit a Russian manuscript" -- "$JOURNAL" -C "$R" submit sokolov.md
S=$(cat "$OUT")
expect_exit 0 "assign a reviewer to it" -- "$JOURNAL" -C "$R" assign "$S" --reviewer asel-bekova
expect_exit 0 "packet of the Russian manuscript" -- \
    "$JOURNAL" -C "$R" packet "$S" --reviewer asel-bekova -o p-sokolov.md
expect_stderr_match "names the author Дмитрий Соколов: Как показано в работе Соколова" \
    "warning for the family name in the genitive (Соколова)"
expect_stderr_match "names the author Дмитрий Соколов: Эту методику мы разработали вместе с Соколовым" \
    "warning for the family name in the instrumental (Соколовым)"
expect_stderr_match "names the author Дмитрий Соколов: Earlier results \(D\. Sokolov, 2018\)" \
    "warning for the name in Latin letters with an initial"
expect_stderr_match "names the author Дмитрий Соколов: The Russian edition was prepared by Sokolovym" \
    "warning for the transliterated family name with a Russian case ending (Sokolovym)"
check_eq "no warning for words that only begin like the name (Соколиная, Соколовский)" "" \
    "$(grep 'Соколиная' "$ERR")"
check_eq "one warning for each line that names the author" 4 \
    "$(grep -c 'names the author Дмитрий Соколов' "$ERR")"

# Nothing that identifies an author, from the manuscript's front matter, is in the packet.
leaks=$(/usr/bin/python3 - "$MS" p.md <<'PY'
import sys, yaml
text = open(sys.argv[1], encoding="utf-8").read()
fm = yaml.safe_load(text.split("---")[1])
packet = open(sys.argv[2], encoding="utf-8").read()
body_mentions = {"Iskakov", "m.iskakov@example.org"}  # reported as warnings above
found = []
for a in fm["authors"]:
    for value in [a["name"], a.get("email"), a.get("orcid")] + [f["name"] for f in a["affiliations"]]:
        if value and str(value) in packet and str(value) not in body_mentions:
            found.append(str(value))
print("; ".join(found))
PY
)
check_eq "no author name, email, ORCID iD or affiliation from the front matter in the packet" "" "$leaks"
if grep -q "Acknowledgements\|Karaganda team" p.md; then
    fail "the acknowledgements section is removed"
else
    pass "the acknowledgements section is removed"
fi
if grep -q "^## Data availability" p.md; then
    pass "the next section is kept"
else
    fail "the next section is kept"
fi
expect_exit 0 "the packet's front matter is valid YAML with the review block" -- \
    /usr/bin/python3 -c 'import sys, yaml; fm = yaml.safe_load(open(sys.argv[1]).read().split("---")[1]); assert fm["review"]["submission"] == 11 and fm["review"]["reviewer"] == "asel-bekova" and "authors" not in fm, fm' p.md

# Without -o the packet goes to stdout.
expect_exit 0 "packet to stdout" -- "$JOURNAL" -C "$J" packet 11 --reviewer asel-bekova
expect_stdout_match "^title: " "stdout holds the packet"

# Single-blind: the reviewer sees the authors.
sed -i 's/^review_mode: .*/review_mode: single-blind/' "$J/journal.yaml"
tgit -C "$J" commit -qam "single-blind"
expect_exit 0 "single-blind packet" -- "$JOURNAL" -C "$J" packet 11 --reviewer asel-bekova
expect_stdout_match "Marat Iskakov" "single-blind: authors are in the packet"

# Refusals.
before=$TEST_TMP/.before
snapshot "$J" >"$before"
expect_exit 1 "a reviewer not assigned gets no packet" -- "$JOURNAL" -C "$J" packet 11 --reviewer ion-rusu
expect_stderr_match "ion-rusu is not assigned to submission 11" "the refusal says why"
expect_exit 1 "no packet for an unknown submission" -- "$JOURNAL" -C "$J" packet 99 --reviewer asel-bekova
expect_exit 1 "no packet for a published article" -- "$JOURNAL" -C "$J" packet 3 --reviewer asel-bekova
expect_exit 2 "packet without --reviewer is a usage error" -- "$JOURNAL" -C "$J" packet 11
expect_unchanged "$before" "$J" "refused packets leave the journal unchanged"

finish
