#!/usr/bin/env bash
# References in CSL YAML (front matter `references:`): journal submit warns about
# missing fields APA needs but accepts the manuscript, refuses a broken list with
# file:line:col and an unchanged repository, and the site lists the references in
# APA style with DOI links.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
MS=$TEST_TMP/ms
new_journal "$J" || finish
mkdir -p "$MS"
cd "$MS" || exit 1

# Line numbers matter: the first reference starts on line 13, the second on 21.
cat >refs.md <<'EOF'
---
title: "Merit and testing in the civil service"
lang: en
abstract: "We study how centralised testing changed recruitment."
authors:
  - name: Aigerim Testova
    email: a.testova@example.org
    corresponding: true
    affiliations:
      - name: Academy of Testing
        country: KZ
references:
  - id: evans1999
    type: article-journal
    author: [{family: Evans, given: Peter}, "Rauch, James E."]
    title: Bureaucracy and growth
    container-title: American Sociological Review
    volume: 64
    issued: {date-parts: [[1999]]}
    DOI: https://doi.org/10.2307/2657374
  - id: nojournal
    type: article-journal
    author: [{family: Doe, given: Jane}]
    title: No journal named
    issued: 2020
  - id: oecd
    type: book
    author: [{literal: OECD}]
    title: A book without a publisher
---

## Introduction

Body text.
EOF

expect_exit 0 "submit with references (two incomplete) exits 0" -- "$JOURNAL" -C "$J" submit refs.md
expect_stdout_match '^1$' "submit prints the new number"
expect_stderr_match "^journal submit: warning: refs\.md:21:5: reference 'nojournal' has no container-title \(the journal's name\), which APA needs$" \
    "the missing container-title is a warning with file:line:col"
expect_stderr_match "^journal submit: warning: refs\.md:26:5: reference 'oecd' has no issued date" \
    "the missing date is a warning"
expect_stderr_match "^journal submit: warning: refs\.md:26:5: reference 'oecd' has no publisher, which APA needs$" \
    "the missing publisher is a warning"
check_eq "three warnings, none for the complete reference" 3 "$(grep -c 'warning:' "$ERR")"
expect_stderr_match "received submission 1" "the submission is received"
check "the manuscript is stored byte for byte" -- \
    cmp refs.md <(git -C "$J" show HEAD:submissions/1/manuscript.md)

# A broken list: refused with every problem at its place, nothing written.
sed -e 's/^  - id: nojournal$/  - id: evans1999/' -e 's#DOI: https://doi.org/10.2307/2657374#DOI: 10.2307#' \
    refs.md >broken.md
before=$TEST_TMP/.before
snapshot "$J" >"$before"
expect_exit 1 "submit with a broken references list exits 1" -- "$JOURNAL" -C "$J" submit broken.md
expect_stderr_match "broken\.md:20:10: malformed DOI '10\.2307'" "a malformed DOI is an error at its place"
expect_stderr_match "broken\.md:21:9: duplicate reference id 'evans1999'" \
    "a duplicate id is an error at its place"
check "no warning printed for a refused manuscript" -- bash -c "! grep -q 'warning:' '$ERR'"
expect_unchanged "$before" "$J" "the repository is byte-for-byte unchanged"

printf -- '---\ntitle: T\nabstract: A\nauthors:\n  - name: A B\n    affiliations: [{name: X, country: KZ}]\nreferences:\n  evans: {title: T}\n---\nBody\n' >notalist.md
expect_exit 1 "references that are not a list: exit 1" -- "$JOURNAL" -C "$J" submit notalist.md
expect_stderr_match "notalist\.md:8:3: references must be a list of CSL items" \
    "references that are not a list: file:line:col"
expect_unchanged "$before" "$J" "the repository is still unchanged"

# ---- the sample journal's article pages ----
SJ=$TEST_TMP/sample
sample_journal "$SJ" || finish
cd "$SJ" || exit 1
expect_exit 0 "build-site on the sample exits 0" -- "$JOURNAL" build-site
cp "$ERR" "$TEST_TMP/site.err"
S=$SJ/_site
check "article 1 has a References section" -- \
    grep -q '<section class="references" aria-labelledby="references-title">' "$S/articles/1/index.html"
check "article 1 links its DOIs" -- \
    grep -q '<a href="https://doi.org/10.2307/2657374">https://doi.org/10.2307/2657374</a>' \
    "$S/articles/1/index.html"
check "article 1: a journal article in APA style" -- grep -qF \
    'Evans, P., &amp; Rauch, J. E. (1999). Bureaucracy and growth: A cross-national analysis of the effects of &quot;Weberian&quot; state structures on economic growth. <i>American Sociological Review</i>, <i>64</i>(5), 748–765.' \
    "$S/articles/1/index.html"
check "article 1: the OECD report in APA style" -- grep -qF \
    'OECD. (2017). <i>Skills for a high performing civil service</i>. OECD Publishing. <a href="https://doi.org/10.1787/9789264280724-en">' \
    "$S/articles/1/index.html"
check "article 1: references in APA order (Agency before Dahlström before Evans)" -- python3 -c '
import sys
page = open(sys.argv[1], encoding="utf-8").read()
ids = ["ref-ardgs2024", "ref-dahlstrom2012", "ref-evans1999", "ref-grindle2012", "ref-oecd2017", "ref-raadschelders2015"]
pos = [page.index("id=\"" + i + "\"") for i in ids]  # the entries, not the links to them
sys.exit(pos != sorted(pos))' "$S/articles/1/index.html"
check "article 2 (Russian): Список литературы" -- grep -q '>Список литературы</h2>' "$S/articles/2/index.html"
check "article 2: a Russian book" -- grep -qF \
    'Оболонский, А. В. (2011). <i>Кризис бюрократического государства' "$S/articles/2/index.html"
check "article 6 links its DOIs" -- \
    grep -q '<a href="https://doi.org/10.1093/jopart/mui057">' "$S/articles/6/index.html"
check "article 3 has no references: no section" -- \
    bash -c "! grep -q 'class=\"references\"' '$S/articles/3/index.html'"

check "building the sample site warns about nothing" -- bash -c "! grep -q 'warning' '$TEST_TMP/site.err'"

# A published article whose reference lacks what APA needs: the site is built, with a warning.
/usr/bin/python3 - submissions/3/manuscript.md <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
head, rest = text.split("\n---\n", 1)
head += "\nreferences:\n  - id: nojournal\n    type: article-journal\n    title: A study\n    author: [{family: Doe, given: Jane}]\n    issued: 2020\n"
open(path, "w", encoding="utf-8").write(head + "\n---\n" + rest)
PY
REFLINE=$(grep -n '^  - id: nojournal$' submissions/3/manuscript.md | cut -d: -f1)
tgit commit -qam "An incomplete reference in a published article"
expect_exit 0 "build-site with an incomplete reference in a published article" -- "$JOURNAL" build-site
expect_stderr_match "^journal build-site: warning: submissions/3/manuscript\.md:$REFLINE:[0-9]+: reference 'nojournal' has no container-title" \
    "build-site names the manuscript, the line and what is missing"
check "the article still shows the reference" -- grep -q 'id="ref-nojournal"' "$S/articles/3/index.html"

# The sample's references are complete: submitting them again gives no warning.
for n in 1 2 6; do
    expect_exit 0 "sample manuscript $n is accepted" -- "$JOURNAL" submit "submissions/$n/manuscript.md"
    check "sample manuscript $n: no warnings" -- bash -c "! grep -q 'warning' '$ERR'"
done

finish
