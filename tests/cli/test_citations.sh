#!/usr/bin/env bash
# In-text citations ([@key], @key, [-@key], [see @a, p. 3; @b]) in APA 7 form linked to the
# reference list, on the page and in JATS (xref ref-type="bibr", valid against JATS 1.3);
# an unknown key refused at submit with file:line and nothing committed; an uncited reference
# a warning; bibliography: FILE (.bib, .json) read through Pandoc into references:, a missing
# Pandoc and a bad .bib refused; Pandoc table captions on the page and in JATS.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
MS=$TEST_TMP/ms
new_journal "$J" || finish
mkdir -p "$MS"
cd "$MS" || exit 1

# The front matter without references (bibliography: or references: follow).
head_fm() {
    cat <<'EOF'
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
EOF
}

refs_yaml() {
    cat <<'EOF'
references:
  - id: evans1999
    type: article-journal
    author: [{family: Evans, given: Peter}, {family: Rauch, given: James E.}]
    title: Bureaucracy and growth
    container-title: American Sociological Review
    issued: 1999
  - id: oecd2017
    type: report
    author: [{literal: OECD}]
    title: Skills for a high performing civil service
    publisher: OECD Publishing
    issued: 2017
  - id: uncited
    type: book
    author: [{family: Doe, given: Jane}]
    title: Never cited
    publisher: P
    issued: 2020
EOF
}

{ head_fm; refs_yaml; cat <<'EOF'
---

## Introduction

As @evans1999 argues [see @oecd2017, p. 12], merit matters [@evans1999; @oecd2017].

Not `[@nobody]` in code, nor mail@example.org.
EOF
} >cited.md
CITE_LINE=$(grep -n 'As @evans1999' cited.md | cut -d: -f1)
UNCITED_LINE=$(grep -n 'id: uncited' cited.md | cut -d: -f1)

expect_exit 0 "submit with citations exits 0" -- "$JOURNAL" -C "$J" submit cited.md
expect_stderr_match "^journal submit: warning: cited\.md:$UNCITED_LINE:5: reference 'uncited' is never cited in the text" \
    "a reference never cited is a warning with file:line:col"
check_eq "one warning: the cited references and the key in code give none" 1 "$(grep -c 'warning:' "$ERR")"

# No citation at all: the references stand as they are, without warnings.
{ head_fm; refs_yaml; printf -- '---\n\nNo citations here.\n'; } >uncited.md
expect_exit 0 "a manuscript without citations is accepted" -- "$JOURNAL" -C "$J" submit uncited.md
check "a manuscript without citations gets no warning about uncited references" -- \
    bash -c "! grep -q 'never cited' '$ERR'"

# An unknown key: refused with file:line and the nearest key; nothing committed.
sed -e 's/\[see @oecd2017, p. 12\]/[see @oecd2071, p. 12]/' -e 's/merit matters \[@evans1999; @oecd2017\]/merit matters [@evans1999; @nobody]/' \
    cited.md >unknown.md
before=$TEST_TMP/.before
snapshot "$J" >"$before"
expect_exit 1 "submit with an unknown citation key exits 1" -- "$JOURNAL" -C "$J" submit unknown.md
expect_stderr_match "unknown\.md:$CITE_LINE: citation @oecd2071 is not in the references; did you mean @oecd2017\?" \
    "an unknown key: file:line and the likely key"
expect_stderr_match "unknown\.md:$CITE_LINE: citation @nobody is not in the references" \
    "every unknown key is reported at once"
CODE_LINE=$(grep -n 'Not `\[@nobody\]` in code' unknown.md | cut -d: -f1)
check "the key in a code span (line $CODE_LINE) is not checked" -- bash -c \
    "[ -n '$CODE_LINE' ] && ! grep -q 'unknown\.md:$CODE_LINE:' '$ERR' && [ \$(grep -c 'citation @' '$ERR') = 2 ]"
expect_unchanged "$before" "$J" "an unknown key leaves the repository byte-for-byte unchanged"

# Citations in the abstract: resolved, and an unknown key refused with the abstract's line.
sed -e 's/^abstract: .*/abstract: |\n  We study how testing changed recruitment.\n  As argued before [@evans1999; @evnas1999], merit matters./' \
    cited.md >abstract-unknown.md
ABS_LINE=$(grep -n 'As argued before' abstract-unknown.md | cut -d: -f1)
snapshot "$J" >"$TEST_TMP/.before-abs"
expect_exit 1 "an unknown key in the abstract exits 1" -- "$JOURNAL" -C "$J" submit abstract-unknown.md
expect_stderr_match "abstract-unknown\.md:$ABS_LINE: citation @evnas1999 is not in the references; did you mean @evans1999\?" \
    "an unknown key in the abstract: file, the abstract's line and the likely key"
expect_unchanged "$TEST_TMP/.before-abs" "$J" "an unknown key in the abstract leaves the repository unchanged"
sed -e 's/^abstract: .*/abstract: "Only the abstract cites [@uncited]."/' cited.md >abstract-cites.md
expect_exit 0 "a reference cited in the abstract alone is accepted" -- "$JOURNAL" -C "$J" submit abstract-cites.md
check "... and is not reported as never cited" -- bash -c "! grep -q \"'uncited' is never cited\" '$ERR'"

# ---- bibliography: FILE ----
cat >refs.bib <<'EOF'
@article{evans1999,
  author = {Evans, Peter and Rauch, James E.},
  title = {Bureaucracy and Growth: The {DNA} of \emph{Weberian} States},
  journal = {American Sociological Review},
  year = {1999}, volume = {64}, number = {5}, pages = {748--765},
  doi = {10.2307/2657374}
}
@book{ivanov2010,
  author = {Иванов, Иван Иванович and Петров, Пётр},
  title = {Государственная служба},
  publisher = {Наука}, location = {Москва}, year = {2010}
}
EOF
{ head_fm; echo "bibliography: refs.bib"; cat <<'EOF'
---

As @evans1999 argues, and [@ivanov2010, с. 5].
EOF
} >bib.md
expect_exit 0 "submit with bibliography: refs.bib exits 0" -- "$JOURNAL" -C "$J" submit bib.md
N=$(cat "$OUT")
git -C "$J" show "HEAD:submissions/$N/manuscript.md" >stored.md
check "the stored manuscript holds the converted references, not bibliography:" -- \
    bash -c "grep -q '^references:$' stored.md && grep -q '^  - id: \"evans1999\"$' stored.md && ! grep -q '^bibliography:' stored.md"
check "BibTeX's braces and markup are not in the stored titles" -- \
    grep -q '^    title: "Bureaucracy and growth: The DNA of weberian states"$' stored.md
check "the Cyrillic entry is kept intact" -- grep -q '"Государственная служба"' stored.md
check "the body is stored as written" -- grep -q '^As @evans1999 argues, and \[@ivanov2010, с. 5\].$' stored.md
check "the stored manuscript is accepted again without Pandoc" -- \
    env JOURNAL_PANDOC=/nonexistent/pandoc "$JOURNAL" -C "$J" submit stored.md

cat >refs.json <<'EOF'
[{"id": "oecd2017", "type": "report", "author": [{"literal": "OECD"}],
  "title": "Skills for a high performing civil service", "publisher": "OECD Publishing",
  "issued": {"date-parts": [[2017]]}}]
EOF
{ head_fm; echo "bibliography: refs.json"; printf -- '---\n\nAs [@oecd2017] shows.\n'; } >json.md
expect_exit 0 "submit with bibliography: refs.json (CSL JSON) exits 0" -- "$JOURNAL" -C "$J" submit json.md
N=$(cat "$OUT")
check "the CSL JSON item is in the stored references" -- bash -c \
    "git -C '$J' show 'HEAD:submissions/$N/manuscript.md' | grep -q '^  - id: \"oecd2017\"$'"

# Non-ASCII text before bibliography: (libyaml counts characters, not bytes): the entry is
# replaced where it stands.
{ head_fm | sed 's/^title: .*/title: "Меритократия и тестирование"/'; echo "bibliography: refs.json"
  printf -- '---\n\nAs [@oecd2017] shows.\n'; } >cyrillic.md
expect_exit 0 "submit with a Cyrillic title before bibliography: exits 0" -- "$JOURNAL" -C "$J" submit cyrillic.md
check "... and the stored front matter holds the title and the references intact" -- bash -c \
    "git -C '$J' show 'HEAD:submissions/$(cat "$OUT")/manuscript.md' | grep -qx 'title: \"Меритократия и тестирование\"' && git -C '$J' show 'HEAD:submissions/$(cat "$OUT")/manuscript.md' | grep -qx '  - id: \"oecd2017\"'"

# An unknown key with a bibliography: still the line of the manuscript.
sed 's/As @evans1999 argues/As @evnas1999 argues/' bib.md >bibunknown.md
LINE=$(grep -n '@evnas1999' bibunknown.md | cut -d: -f1)
snapshot "$J" >"$before"
expect_exit 1 "an unknown key beside bibliography: exits 1" -- "$JOURNAL" -C "$J" submit bibunknown.md
expect_stderr_match "bibunknown\.md:$LINE: citation @evnas1999 is not in the references; did you mean @evans1999\?" \
    "the unknown key's line is the manuscript's own, whatever the bibliography holds"

# No Pandoc: refused, naming the package.
expect_exit 1 "bibliography: without Pandoc exits 1" -- \
    env JOURNAL_PANDOC=/nonexistent/pandoc "$JOURNAL" -C "$J" submit bib.md
expect_stderr_match "Pandoc.*apt-get install pandoc" "a missing Pandoc names the package to install"

# A broken .bib: Pandoc's message, with the file.
printf '@article{broken, title={unfinished\n' >bad.bib
sed 's/^bibliography: refs.bib$/bibliography: bad.bib/' bib.md >badbib.md
expect_exit 1 "a broken .bib exits 1" -- "$JOURNAL" -C "$J" submit badbib.md
expect_stderr_match "bad\.bib: Pandoc cannot read it as biblatex: .*line" \
    "a broken .bib: the file and Pandoc's place of the problem"
printf 'no entries at all\n' >empty.bib
sed 's/^bibliography: refs.bib$/bibliography: empty.bib/' bib.md >emptybib.md
expect_exit 1 "a .bib without entries exits 1" -- "$JOURNAL" -C "$J" submit emptybib.md
expect_stderr_match "empty\.bib: no bibliography entries in it" "a .bib without entries is refused"
sed 's/^bibliography: refs.bib$/bibliography: refs.txt/' bib.md >txtbib.md
expect_exit 1 "a bibliography of another kind exits 1" -- "$JOURNAL" -C "$J" submit txtbib.md
expect_stderr_match "'refs\.txt' is not a bibliography file journal reads" \
    "a bibliography of another kind: what is read"
sed 's/^bibliography: refs.bib$/bibliography: missing.bib/' bib.md >missingbib.md
expect_exit 1 "a missing bibliography file exits 1" -- "$JOURNAL" -C "$J" submit missingbib.md
expect_stderr_match "missing\.bib" "a missing bibliography file is named"
{ head_fm; refs_yaml; echo "bibliography: refs.bib"; printf -- '---\n\nBody @evans1999.\n'; } >both.md
expect_exit 1 "bibliography: beside references: exits 1" -- "$JOURNAL" -C "$J" submit both.md
expect_stderr_match "both\.md:[0-9]+:1: both bibliography: and references:" \
    "bibliography: beside references: is refused at its line"
expect_unchanged "$before" "$J" "refused bibliographies leave the repository byte-for-byte unchanged"

# journal revise reads it too: a submission whose revision was asked for (set by hand here).
expect_exit 0 "submit the first version, without a bibliography" -- "$JOURNAL" -C "$J" submit uncited.md
N=$(cat "$OUT")
sed -i 's/^state: submitted$/state: revision-requested/' "$J/submissions/$N/submission.yaml"
tgit -C "$J" commit -qam "Revision requested (by hand, for the test)"
expect_exit 0 "revise with bibliography: refs.bib exits 0" -- "$JOURNAL" -C "$J" revise "$N" bib.md
check "the revised manuscript holds the converted references" -- bash -c \
    "git -C '$J' show 'HEAD:submissions/$N/manuscript.md' | grep -q '^  - id: \"ivanov2010\"$'"

# journal import reads a bibliography file the same way.
mkdir -p past
{ head_fm; echo "bibliography: ../refs.bib"; printf -- '---\n\nAs @evans1999 argues [@ivanov2010].\n'; } >past/a.md
cat >past/issue.yaml <<'EOF'
volume: 1
number: 1
year: 2019
date: 2019-06-30
title: "Issue 1.1"
articles:
  - {file: a.md, doi: 10.12345/bcr.2019.1.1.1, pages: "1-14"}
EOF
expect_exit 0 "import of an article with bibliography: exits 0" -- "$JOURNAL" -C "$J" import past
check "the imported manuscript holds the converted references" -- bash -c \
    "git -C '$J' diff HEAD~1 HEAD -- 'submissions/*/manuscript.md' | grep -q '^+  - id: \"ivanov2010\"'"
check "the imported manuscript names no bibliography file" -- bash -c \
    "! git -C '$J' diff HEAD~1 HEAD -- 'submissions/*/manuscript.md' | grep -q '^+bibliography:'"

# ---- the sample journal: pages and JATS ----
SJ=$TEST_TMP/sample
sample_journal "$SJ" || finish
cd "$SJ" || exit 1
# Article 1's abstract cites a reference (its Markdown, as an author writes it).
sed -i 's/^  Over the past decade Kazakhstan has moved/  Following [@evans1999], over the past decade Kazakhstan has moved/' \
    submissions/1/manuscript.md
tgit commit -qam "A citation in article 1's abstract"
expect_exit 0 "build-site on the sample exits 0" -- "$JOURNAL" build-site
S=$SJ/_site
P1=$S/articles/1/index.html
check "a parenthetical citation with pages, linked to its entry" -- grep -qF \
    '(<a href="#ref-evans1999">Evans &amp; Rauch, 1999, pp. 752–754</a>)' "$P1"
check "a narrative citation" -- grep -qF '<a href="#ref-grindle2012">Grindle (2012)</a> shows' "$P1"
check "three authors: et al." -- grep -qF '(<a href="#ref-dahlstrom2012">Dahlström et al., 2012</a>)' "$P1"
check "several with a prefix, in the reference list's order" -- grep -qF \
    '(<a href="#ref-oecd2017">OECD, 2017, ch. 3</a>; see <a href="#ref-raadschelders2015">Raadschelders &amp; van der Meer, 2015</a>)' \
    "$P1"
check "every citation's target is an entry of the reference list" -- python3 -c '
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
targets = set(re.findall(r"href=\"#(ref-[^\"]+)\"", page))
ids = set(re.findall(r"<li id=\"(ref-[^\"]+)\"", page))
sys.exit(not targets or not targets <= ids)' "$P1"
check "no citation key is left on the page" -- bash -c "! grep -qE '\[@|[^a-z.]@[a-z]+[0-9]{4}' '$P1'"
P2=$S/articles/2/index.html
check "the Russian article: Cyrillic authors, и in the narrative" -- grep -qF \
    '<a href="#ref-abdullaeva2019">Абдуллаева и Турдубаев (2019)</a>' "$P2"
check "the Russian article: a Cyrillic organisation" -- grep -qF \
    '<a href="#ref-kg2021">Жогорку Кенеш Кыргызской Республики, 2021</a>' "$P2"
X1=$S/articles/1/article.xml
check "JATS: citations are xref ref-type=bibr to the ref's id" -- grep -qF \
    '(<xref ref-type="bibr" rid="ref-evans1999">Evans &amp; Rauch, 1999, pp. 752–754</xref>)' "$X1"
check "JATS: every bibr xref points at a ref of the ref-list" -- python3 -c '
import re, sys
xml = open(sys.argv[1], encoding="utf-8").read()
rids = set(re.findall(r"<xref ref-type=\"bibr\" rid=\"([^\"]+)\"", xml))
ids = set(re.findall(r"<ref id=\"([^\"]+)\"", xml))
sys.exit(len(rids) != 6 or not rids <= ids)' "$X1"
check "JATS: the articles with citations and captions are valid JATS 1.3 (xmllint --valid)" -- \
    jats_valid "$X1" "$S/articles/2/article.xml" "$S/articles/3/article.xml"
# The abstract's citation: linked on the page, xref in JATS, text everywhere else.
check "the abstract's citation is linked on the page" -- grep -qF \
    '<p>Following (<a href="#ref-evans1999">Evans &amp; Rauch, 1999</a>), over the past decade' "$P1"
check "JATS: the abstract's citation is an xref ref-type=bibr inside abstract" -- python3 -c '
import re, sys
xml = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<abstract>(.*?)</abstract>", xml, re.S)
sys.exit(not m or "Following (<xref ref-type=\"bibr\" rid=\"ref-evans1999\">Evans &amp; Rauch, 1999</xref>)" not in m.group(1))' "$X1"
check "the meta description has the citation as text, without markup" -- grep -qF \
    'name="description" content="Following (Evans &amp; Rauch, 1999), over the past decade' "$P1"
check "the feed's summary has the citation as text" -- grep -qF 'Following (Evans &amp; Rauch, 1999), over' "$S/feed.xml"
check "OAI's dc:description has the citation as text" -- grep -qF 'Following (Evans &amp; Rauch, 1999), over' \
    "$S/oai/static-repository.xml"
check "RIS: the abstract has the citation as text" -- \
    grep -qF 'AB  - Following (Evans & Rauch, 1999), over' "$S/articles/1/citation.ris"
check "CSL-JSON: the abstract has the citation as text" -- python3 -c '
import json, sys
item = json.load(open(sys.argv[1], encoding="utf-8"))
item = item[0] if isinstance(item, list) else item
sys.exit(not item["abstract"].startswith("Following (Evans & Rauch, 1999), over"))' "$S/articles/1/citation.json"
check "no [@ is left in the page's head, the feed, OAI or the citation downloads" -- bash -c \
    "! grep -qF '[@evans1999]' '$P1' '$S/feed.xml' '$S/oai/static-repository.xml' '$S/articles/1/citation.ris' '$S/articles/1/citation.json'"
expect_exit 0 "export doaj 1" -- "$JOURNAL" export doaj 1
check "DOAJ: the abstract has the citation as text" -- grep -qF 'Following (Evans &amp; Rauch, 1999), over' "$OUT"
expect_exit 0 "build-issue 1 assigns DOIs" -- "$JOURNAL" build-issue 1 --correct "DOIs assigned"
expect_exit 0 "deposit 1 --dry-run" -- "$JOURNAL" deposit 1 --dry-run
check "Crossref: the abstract has the citation as text" -- grep -qF 'Following (Evans &amp; Rauch, 1999), over' "$OUT"
P3=$S/articles/3/index.html
check "a Pandoc table caption is the table's <caption>" -- grep -qF \
    "<caption>Table 1. Selected survey results by country, share of respondents agreeing with each statement. Source: authors' survey, 2024.<sup" \
    "$P3"
check "the caption is not left as a paragraph" -- bash -c "! grep -q '<p>Table: ' '$P3'"
check "JATS: table-wrap with the caption" -- grep -qF \
    '<table-wrap id="tbl1"><caption><p>Table 1. Selected survey results' "$S/articles/3/article.xml"

finish
