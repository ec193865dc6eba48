#!/usr/bin/env bash
# journal build-site renders the reader's indexes: the archive (by year, with
# special editions), the author index and the keyword index, linked from the
# navigation and the footer, built from published articles only.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site

# A special edition with one article: an author already published under the
# same ORCID iD (written differently), one without an ORCID iD under the same
# name, and a keyword that differs from an earlier one only in case.
mkdir -p submissions/12
cat >submissions/12/manuscript.md <<'EOF'
---
title: "Special edition study of regional reform networks"
lang: en
type: practice
abstract: |
  A short practice note written for the special edition.
keywords: [E-Government, Reform networks]
authors:
  - name: D. Seitkali
    email: d.seitkali@example.org
    orcid: 0000-0003-5882-8559
    corresponding: true
    affiliations:
      - name: Academy of Public Administration under the President of the Republic of Kazakhstan
        country: KZ
  - name: Levan Tsiklauri
    affiliations:
      - name: Civil Service Bureau of Georgia
        country: GE
      - name: Centre for Digital Governance, Tallinn
        country: EE
---

## Notes

Some text.
EOF
cat >submissions/12/submission.yaml <<'EOF'
number: 12
state: published
submitted: 2025-11-01
accepted: 2025-12-01
published: 2026-01-10
issue: 3
EOF
cat >issues/3.yaml <<'EOF'
volume: 2
number: 1
year: 2026
date: 2026-01-10
title: "Regional Networks"
special: "Regional Reform Networks"
guest_editors:
  - {name: Giorgi Beridze, affiliation: Ivane Javakhishvili Tbilisi State University}
  - Anna Petrosyan
articles: [12]
EOF
tgit add -A && tgit commit -q -m "A special edition"

expect_exit 0 "build-site with a special edition exits 0" -- "$JOURNAL" build-site
expect_stdout_match "Built 32 pages \(3 issues, 10 articles\)" \
    "build-site reports 32 pages (in 2 languages: home, 3 issues, 7 indexes and pages, search among them; 10 articles)"
for f in archive authors keywords; do
    check "_site/$f/index.html exists" -- test -s "$S/$f/index.html"
done

# check_pages DIR: every page is well-formed (html.parser), has exactly one
# <h1>, a labelled main navigation and a <main>, and every relative href/src
# resolves to a file inside DIR (with #fragments to an id in the target).
check_pages() {
    check "$2" -- /usr/bin/python3 - "$1" <<'EOF'
import os, sys
from html.parser import HTMLParser
from urllib.parse import urlsplit, unquote
root = os.path.realpath(sys.argv[1])
VOID = {"meta", "link", "br", "img", "hr", "input", "source", "col", "wbr"}
class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.links, self.ids, self.h1, self.navs, self.main = [], [], set(), 0, [], 0
        self.errors = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for k in ("href", "src"):
            if k in a:
                self.links.append(a[k])
        self.h1 += tag == "h1"
        self.main += tag == "main"
        if tag == "nav":
            self.navs.append(a.get("aria-label"))
        if tag not in VOID:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in ("li", "p") and self.stack and self.stack[-1] != tag and tag in self.stack:
            while self.stack[-1] != tag:
                self.stack.pop()
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
pages = {}
for dirpath, _, files in os.walk(root):
    for name in files:
        if name.endswith(".html"):
            path = os.path.join(dirpath, name)
            p = Page()
            p.feed(open(path, encoding="utf-8").read())
            p.close()
            pages[path] = p
problems, links = [], 0
for path, p in pages.items():
    rel = os.path.relpath(path, root)
    problems += [f"{rel}: {e}" for e in p.errors[:3]]
    if p.stack:
        problems.append(f"{rel}: unclosed {p.stack}")
    if p.h1 != 1:
        problems.append(f"{rel}: {p.h1} <h1>")
    if p.main != 1 or not p.navs or any(n is None for n in p.navs):
        problems.append(f"{rel}: landmarks: main={p.main} navs={p.navs}")
    for url in p.links:
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            continue
        links += 1
        target = path
        if parts.path:
            target = os.path.realpath(os.path.join(os.path.dirname(path), unquote(parts.path)))
            if not target.startswith(root + os.sep):
                problems.append(f"{rel}: {url} leaves the site")
                continue
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            if not os.path.isfile(target):
                problems.append(f"{rel}: {url} -> missing {os.path.relpath(target, root)}")
                continue
        if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
            problems.append(f"{rel}: {url}: no id '{parts.fragment}'")
if problems:
    print("\n".join(problems[:20]))
    sys.exit(1)
if links < 50:
    print(f"only {links} relative links")
    sys.exit(1)
EOF
}
check_pages "$S" "every page is well-formed, has one h1 and nav landmarks, and every relative link resolves"

# index_check PAGE DESC PYTHON: PYTHON runs with `entries`, the page's index
# entries as (term, [(href, text)], [external hrefs], meta text), and `page`.
index_check() {
    check "$2" -- /usr/bin/python3 - "$1" "$3" <<'EOF'
import sys
from html.parser import HTMLParser
class Index(HTMLParser):
    def __init__(self):
        super().__init__()
        self.entries, self.cur, self.field, self.href = [], None, None, None
    def handle_starttag(self, tag, attrs):
        a, cls = dict(attrs), dict(attrs).get("class") or ""
        if tag == "li" and "index-entry" in cls.split():
            self.cur = {"term": "", "links": [], "external": [], "meta": ""}
            self.entries.append(self.cur)
        elif self.cur is not None and "index-term" in cls.split():
            self.field = "term"
        elif self.cur is not None and "index-meta" in cls.split():
            self.field = "meta"
        if self.cur is not None and tag == "a":
            h = a.get("href", "")
            if h.startswith("https:"):
                self.cur["external"].append(h)
                self.href = "external"
            else:
                self.href = h
                self.cur["links"].append([h, ""])
    def handle_endtag(self, tag):
        if tag == "ol":
            self.cur = None  # the end of the index (articles are listed in <ul>)
        if tag == "p":
            self.field = None
        if tag == "a":
            self.href = None
    def handle_data(self, data):
        if self.cur is None:
            return
        if self.href == "external":
            return
        if self.href is not None:
            self.cur["links"][-1][1] += data
        elif self.field == "term":
            self.cur["term"] += data
        elif self.field == "meta":
            self.cur["meta"] += data
page = open(sys.argv[1], encoding="utf-8").read()
p = Index()
p.feed(page)
entries = p.entries
for e in entries:
    e["term"] = e["term"].strip()
def entry(term):
    found = [e for e in entries if e["term"] == term]
    assert len(found) == 1, (term, [e["term"] for e in entries])
    return found[0]
def hrefs(e):
    return sorted(h for h, _ in e["links"])
exec(sys.argv[2])
EOF
}

# ---- the author index ----

A=$S/authors/index.html
index_check "$A" "the author index lists Dana Seitkali once (ORCID iD merges 'D. Seitkali'), with articles 1 and 12" '
e = entry("Dana Seitkali")
assert hrefs(e) == ["../articles/1/index.html", "../articles/12/index.html"], e
assert e["external"] == ["https://orcid.org/0000-0003-5882-8559"], e
assert "Kazakhstan" in e["meta"], e
assert not [x for x in entries if "D. Seitkali" in x["term"]], "D. Seitkali listed apart"
'
index_check "$A" "an author without ORCID iD is merged by name, lists both articles and all countries" '
e = entry("Levan Tsiklauri")
assert hrefs(e) == ["../articles/12/index.html", "../articles/4/index.html"], e
assert e["external"] == [], e
for c in ("Georgia", "Estonia"):
    assert c in e["meta"], e
'
index_check "$A" "the author index links each author to the article title, with the ORCID link" '
e = entry("Yerzhan Kuanyshev")
assert e["links"][0][0] == "../articles/1/index.html", e
assert e["links"][0][1].startswith("Merit-based recruitment in Kazakhstan"), e
assert e["external"] == ["https://orcid.org/0000-0003-6115-4612"], e
e = entry("Thomas Lindqvist")
assert hrefs(e) == ["../articles/3/index.html"] and e["meta"] == "", e
'
index_check "$A" "the author index lists the Russian article's Cyrillic authors" '
e = entry("Нодира Рахимова")
assert hrefs(e) == ["../articles/2/index.html"], e
# The English site shows the English title of the article (its translation).
assert e["links"][0][1].startswith("Performance appraisal of civil servants"), e
assert e["external"] == ["https://orcid.org/0000-0002-5550-9758"], e
entry("Бакыт Осмоналиев")
'
index_check "$S/ru/authors/index.html" "the author index of the Russian site shows the Russian title of the Russian article" '
e = entry("Нодира Рахимова")
assert e["links"][0][1].startswith("Оценка результативности"), e
'
index_check "$A" "authors are sorted by family name, Latin before Cyrillic" '
names = [e["term"] for e in entries]
assert len(names) == len(set(names)) == 21, names
assert names[0] == "Oyuntsetseg Ganbold" and names[-2:] == ["Бакыт Осмоналиев", "Нодира Рахимова"], names
latin = [n for n in names if n.isascii()]
assert latin == sorted(latin, key=lambda n: n.split()[-1].lower()), latin
'

# ---- the keyword index ----

K=$S/keywords/index.html
index_check "$K" "keywords that differ only in case are one entry, shown as first written" '
e = entry("e-government")
assert hrefs(e) == ["../articles/12/index.html", "../articles/4/index.html", "../articles/7/index.html"], e
assert not [x for x in entries if x["term"] == "E-Government"], "E-Government listed apart"
'
index_check "$K" "the keyword index links keywords to their articles and is sorted" '
e = entry("Kazakhstan")
assert hrefs(e) == ["../articles/1/index.html"], e
entry("КПЭ")
entry("Reform networks")
terms = [x["term"].lower() for x in entries]
assert len(terms) == len(set(terms)), terms
latin = [t for t in terms if t.isascii()]
assert latin == sorted(latin), latin
assert terms.index("государственная служба") > terms.index("workforce data"), terms
'

# ---- long indexes are split into pages ----

P=$TEST_TMP/paged
expect_exit 0 "build-site with 5 entries to an index page (JOURNAL_INDEX_PAGE_SIZE)" -- \
    env JOURNAL_INDEX_PAGE_SIZE=5 "$JOURNAL" build-site -o "$P"
check "without the knob (500 to a page) the indexes are one page with no pager" -- \
    bash -c "! grep -q 'class=\"pager' '$S/authors/index.html' '$S/keywords/index.html' && test ! -e '$S/authors/page-2'"
check "the paged indexes hold the same entries, in the same order, each once" -- python3 - "$S" "$P" <<'EOF'
import html.parser, os, sys
full, paged = sys.argv[1], sys.argv[2]
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.terms, self.links, self.in_term, self.in_current, self.current = [], {}, False, False, ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "p" and "index-term" in (a.get("class") or ""):
            self.in_term = True
            self.terms.append("")
        if tag == "a" and a.get("rel") in ("prev", "next"):
            self.links[a["rel"]] = a["href"]
        if tag == "span" and a.get("class") == "pager-current":
            self.in_current = True
    def handle_endtag(self, tag):
        if tag == "p":
            self.in_term = False
        if tag == "span":
            self.in_current = False
    def handle_data(self, d):
        if self.in_term:
            self.terms[-1] += d
        if self.in_current:
            self.current += d
def parse(path):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    return p
for lang, label in (("", "Page {} of {}"), ("ru/", "Страница {} из {}")):
    for index in ("authors", "keywords"):
        want = [x.strip() for x in parse(f"{full}/{lang}{index}/index.html").terms]
        pages = (len(want) + 4) // 5
        assert pages >= 3, (index, len(want))
        got = []
        for k in range(pages):
            rel = f"{index}/index.html" if k == 0 else f"{index}/page-{k + 1}/index.html"
            p = parse(f"{paged}/{lang}{rel}")
            got += [x.strip() for x in p.terms]
            assert p.current.strip() == label.format(k + 1, pages), (rel, p.current)
            assert ("prev" in p.links) == (k > 0) and ("next" in p.links) == (k + 1 < pages), (rel, p.links)
            for link in p.links.values():
                target = os.path.normpath(os.path.join(os.path.dirname(f"{paged}/{lang}{rel}"), link))
                assert os.path.isfile(target), (rel, link)
            if k + 1 < pages:
                assert p.links["next"].endswith(f"{index}/page-{k + 2}/index.html"), p.links
        assert not os.path.exists(f"{paged}/{lang}{index}/page-{pages + 1}"), index
        assert got == want, (index, lang, got, want)
EOF
check "the sitemap lists every page of the indexes" -- python3 - "$P" <<'EOF'
import os, sys, xml.etree.ElementTree as ET
root = sys.argv[1]
ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
locs = {e.text for e in ET.parse(f"{root}/sitemap.xml").iter(ns)}
pages = [os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
         if f == "index.html" and "/page-" in os.path.join(d, f)]
assert len(pages) >= 12, pages
for p in pages:
    assert any(l.endswith("/" + p) for l in locs), p
EOF

# ---- the archive ----

R=$S/archive/index.html
check "the archive groups issues by year, newest year first" -- /usr/bin/python3 -c '
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
heads = re.findall(r"<h2[^>]*>([^<]*)</h2>", page)
assert heads == ["Special editions", "2026", "2025"], heads
years = page.split("id=\"year-")
assert "issues/3/index.html" in years[1] and "issues/1/" not in years[1], years[1]
assert years[2].index("issues/2/index.html") < years[2].index("issues/1/index.html")
for label in ("Vol. 1, No. 1 (2025)", "Vol. 1, No. 2 (2025)", "Vol. 2, No. 1 (2026)"):
    assert label in page, label
assert "Articles: 5" in page and "Articles: 4" in page and "Articles: 1" in page
assert "30 June 2025" in page and "Merit, Performance and Integrity in the Civil Service" in page
' "$R"
check "the special editions section lists only the special issue" -- /usr/bin/python3 -c '
import sys
page = open(sys.argv[1], encoding="utf-8").read()
start = page.index("id=\"special-editions-title\"")
section = page[start:page.index("</section>", start)]
assert "../issues/3/index.html" in section and "Regional Reform Networks" in section, section
assert "issues/1/" not in section and "issues/2/" not in section, section
' "$R"

PY=/usr/bin/python3
check "the special edition names its guest editors in the archive and on its page" -- \
    "$PY" - "$S" <<'PY'
import sys
root = sys.argv[1]
archive = open(f"{root}/archive/index.html", encoding="utf-8").read()
page = open(f"{root}/issues/3/index.html", encoding="utf-8").read()
assert "Guest editors:</span> Giorgi Beridze, Anna Petrosyan</p>" in archive, archive
assert "Giorgi Beridze <span class=\"guest-editor-affiliation\">(Ivane Javakhishvili Tbilisi State University)</span>" in page
PY

check "an issue's table of contents is grouped by section, in the issue's order" -- \
    "$PY" - "$S" <<'PY'
import re, sys, yaml
root = sys.argv[1]
page = open(f"{root}/issues/1/index.html", encoding="utf-8").read()
sections = re.findall(r'<h3 id="toc-([a-z-]+)" class="toc-section-title">(.*?)</h3>(.*?)</section>', page, re.S)
issue = yaml.safe_load(open("issues/1.yaml"))
numbers = [a["submission"] if isinstance(a, dict) else a for a in issue["articles"]]
types = []
for n in numbers:
    t = re.search(r"^type: *(\S+)", open(f"submissions/{n}/manuscript.md").read(), re.M).group(1)
    if not types or types[-1] != t:
        types.append(t)
assert [s[0] for s in sections] == types, (sections, types)
listed = [int(x) for s in sections for x in re.findall(r'articles/(\d+)/index.html', s[2])]
assert listed == numbers, (listed, numbers)
labels = {"research-article": "Research articles", "case-study": "Case studies", "editorial": "Editorial",
          "review": "Reviews", "interview": "Interviews", "practice": "Practice"}
assert all(s[1] == labels[s[0]] for s in sections), sections
ru = open(f"{root}/ru/issues/1/index.html", encoding="utf-8").read()
assert "Научные статьи" in ru
PY

# ---- navigation and footer ----

check "the home page's navigation links to archive, authors and keywords" -- /usr/bin/python3 -c '
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
nav = re.search(r"<nav class=\"site-nav\" aria-label=\"Main\">(.*?)</nav>", page, re.S).group(1)
for h in ("archive/index.html", "authors/index.html", "keywords/index.html"):
    assert f"href=\"{h}\"" in nav, (h, nav)
foot = page[page.index("<footer"):]
for h in ("archive/index.html", "authors/index.html", "keywords/index.html"):
    assert f"href=\"{h}\"" in foot, (h, foot)
' "$S/index.html"
check "the home page keeps its archive section" -- grep -q 'id="archive"' "$S/index.html"
check "an English article's navigation links back up to the indexes" -- \
    grep -q 'href="../../authors/index.html"' "$S/articles/1/index.html"
check "a Russian article's navigation links up to the Russian indexes" -- \
    grep -q 'href="../../ru/authors/index.html"' "$S/articles/2/index.html"
check "the author index marks itself as the current page in the navigation" -- \
    grep -q 'href="../authors/index.html" aria-current="page"' "$A"

# ---- nothing unpublished ----

for n in 10 11; do
    title=$(sed -n '2s/^title: "\(.*\)"$/\1/p' "$J/submissions/$n/manuscript.md")
    if [ -z "$title" ]; then
        fail "could not read submission $n's title from the sample"
        continue
    fi
    check_eq "unpublished $n's title appears nowhere under _site" "" "$(grep -rlF -- "$title" "$S")"
    names=$(sed -n '/^authors:/,/^---/s/^  - name: //p' "$J/submissions/$n/manuscript.md")
    check "unpublished $n has authors to look for" -- test -n "$names"
    while IFS= read -r name; do
        [ -n "$name" ] || continue
        check_eq "unpublished $n's author $name appears nowhere under _site" "" \
            "$(grep -rlF -- "$name" "$S")"
    done <<<"$names"
    kw=$(sed -n 's/^keywords: \[\([^,]*\),.*/\1/p' "$J/submissions/$n/manuscript.md")
    check_eq "unpublished $n's first keyword ($kw) is not in the keyword index" "" \
        "$(grep -F -- ">$kw<" "$K")"
done

# ---- an empty journal ----

E=$TEST_TMP/empty
new_journal "$E" || finish
expect_exit 0 "build-site on a journal with no issues exits 0" -- "$JOURNAL" -C "$E" build-site
for f in archive authors keywords; do
    check "empty journal: _site/$f/index.html exists" -- test -s "$E/_site/$f/index.html"
done
check "empty journal: the archive says there are no issues" -- \
    grep -q 'No issues have been published yet' "$E/_site/archive/index.html"
check "empty journal: the author index says nothing is published" -- \
    grep -q 'No articles have been published yet' "$E/_site/authors/index.html"

# ---- a theme from before these pages: no index pages, the build still works ----

tgit rm -q themes/default/templates/authors.mustache
tgit commit -q -m "A theme without an author index"
expect_exit 0 "build-site with a theme that has no authors template exits 0" -- "$JOURNAL" build-site
check "without the template, no author index is written" -- test ! -e "$S/authors"
check "the other indexes are still written" -- test -s "$S/keywords/index.html"

finish
