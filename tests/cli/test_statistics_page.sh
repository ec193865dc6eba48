#!/usr/bin/env bash
# journal build-site renders statistics/index.html: the headline with the
# totals, a table per country and one of international organisations, a
# choropleth world map whose coloured countries are exactly those of
# `journal stats --json` (same article counts), a chart by year; counted from
# the articles the site publishes only (not a scheduled issue, not an issue
# dated in the future), with nothing unpublished on the page.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site
PY=/usr/bin/python3

expect_exit 0 "build-site exits 0" -- "$JOURNAL" build-site
check "_site/statistics/index.html exists" -- test -s "$S/statistics/index.html"
check "the sort script is published with the assets" -- test -s "$S/assets/sortable.js"
expect_exit 0 "stats --json" -- "$JOURNAL" stats --json
cp "$OUT" "$TEST_TMP/stats.json"

# page.py PAGE: the page's parts as JSON (map paths, headline, table rows, scripts, nav).
cat >"$TEST_TMP/page.py" <<'EOF'
import json, sys
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.paths, self.tables, self.scripts, self.nav = [], [], {}, [], []
        self.headline, self.text, self.map_titles = None, [], []
        self.table = self.row = self.cell = None
        self.in_map = self.in_headline = self.in_title = self.in_nav = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "svg" and "world-map" in cls:
            self.in_map = True
        if self.in_map and tag == "path":
            self.paths.append({"country": a.get("data-country"), "articles": a.get("data-articles"),
                               "class": a.get("class")})
        if self.in_map and tag == "title":
            self.in_title = True
            self.map_titles.append("")
        if tag == "p" and "stats-headline" in cls:
            self.in_headline, self.headline = True, ""
        if tag == "table" and a.get("id"):
            self.table = a["id"]
            self.tables[self.table] = []
        if self.table and tag == "tr":
            self.row = []
        if self.row is not None and tag in ("td", "th"):
            self.cell = ""
        if tag == "script":
            self.scripts.append(a.get("src"))
        if tag == "nav" and "site-nav" in cls:
            self.in_nav = True
        if self.in_nav and tag == "a":
            self.nav.append({"href": a.get("href"), "current": a.get("aria-current")})
    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_map = False
        if tag == "title":
            self.in_title = False
        if tag == "p":
            self.in_headline = False
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join(self.cell.split()))
            self.cell = None
        if tag == "tr" and self.row is not None:
            self.tables[self.table].append(self.row)
            self.row = None
        if tag == "table":
            self.table = None
        if tag == "nav":
            self.in_nav = False
    def handle_data(self, data):
        self.text.append(data)
        if self.in_headline:
            self.headline += data
        if self.in_title and self.map_titles:
            self.map_titles[-1] += data
        if self.cell is not None:
            self.cell += data

p = Page()
p.feed(open(sys.argv[1], encoding="utf-8").read())
json.dump({"paths": p.paths, "headline": " ".join((p.headline or "").split()), "tables": p.tables,
           "scripts": p.scripts, "nav": p.nav, "map_titles": p.map_titles,
           "text": " ".join("".join(p.text).split())}, sys.stdout, ensure_ascii=False)
EOF
"$PY" "$TEST_TMP/page.py" "$S/statistics/index.html" >"$TEST_TMP/page.json"
"$PY" "$TEST_TMP/page.py" "$S/index.html" >"$TEST_TMP/home.json"

check "every country of journal stats has a path with its article count; no other country does" -- "$PY" -c '
import json, sys
page, stats = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
paths = page["paths"]
assert len(paths) > 200, len(paths)
want = {c["code"].lower(): c["articles"] for c in stats["countries"]}
got = {p["country"]: int(p["articles"]) for p in paths if p["articles"] is not None}
assert got == want, (got, want)
for p in paths:
    if p["articles"] is None:
        assert p["class"] == "map-none", p
    else:
        assert p["class"].startswith("map-c"), p
' "$TEST_TMP/page.json" "$TEST_TMP/stats.json"

check "international organisations are listed separately, never on the map or as countries" -- "$PY" -c '
import json, sys
page, stats = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
orgs = [o["name"] for o in stats["organisations"]]
assert orgs, "the sample has international organisations"
rows = page["tables"]["stats-organisations"][1:]
assert [r[0] for r in rows] == orgs, (rows, orgs)
for o in stats["organisations"]:
    row = next(r for r in rows if r[0] == o["name"])
    assert row[1:] == [str(o["articles"]), str(o["authors"]), "%.2f" % o["fractional"]], (row, o)
countries = " ".join(r[0] for r in page["tables"]["stats-countries"])
titles = " ".join(page["map_titles"])
for name in orgs:
    assert name not in countries and name not in titles, name
' "$TEST_TMP/page.json" "$TEST_TMP/stats.json"

check "the country table matches journal stats: articles, authors, fractional count to 2 decimals" -- "$PY" -c '
import json, sys
page, stats = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
head, *rows = page["tables"]["stats-countries"]
assert head == ["Country", "Articles", "Authors", "Fractional count"], head
want = [[c["code"] + " " + c["name"], str(c["articles"]), str(c["authors"]), "%.2f" % c["fractional"]]
        for c in stats["countries"]]
assert rows == want, (rows, want)
' "$TEST_TMP/page.json" "$TEST_TMP/stats.json"

check "the headline has the totals of journal stats" -- "$PY" -c '
import json, sys
page, stats = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert page["headline"] == stats["headline"], (page["headline"], stats["headline"])
assert page["headline"].startswith("%d articles by authors from %d countries and %d international" % (
    stats["articles"], stats["countries_total"], stats["organisations_total"])), page["headline"]
' "$TEST_TMP/page.json" "$TEST_TMP/stats.json"

check "the chart and the table by year give every year of journal stats" -- "$PY" -c '
import json, sys
page, stats = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rows = page["tables"]["stats-years"][1:]
want = [[str(y["year"]), str(y["articles"]), str(y["countries_total"]), str(y["organisations_total"])]
        for y in stats["by_year"]]
assert rows == want, (rows, want)
html = open(sys.argv[3], encoding="utf-8").read()
assert "<svg class=\"year-chart\"" in html and "role=\"img\"" in html
for y in stats["by_year"]:
    assert "data-year=\"%d\"" % y["year"] in html and "data-value=\"%d\"" % y["articles"] in html, y
' "$TEST_TMP/page.json" "$TEST_TMP/stats.json" "$S/statistics/index.html"

check "the map credits its source and licence" -- \
    grep -q 'href="https://creativecommons.org/licenses/by/4.0/"' "$S/statistics/index.html"
check "the navigation links to the page; it is current on the page itself" -- "$PY" -c '
import json, sys
page, home = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
on_page = [a for a in page["nav"] if a["href"].endswith("statistics/index.html")]
on_home = [a for a in home["nav"] if a["href"].endswith("statistics/index.html")]
assert len(on_page) == 1 and on_page[0]["current"] == "page", page["nav"]
assert len(on_home) == 1 and on_home[0]["current"] is None, home["nav"]
assert page["scripts"] == ["../assets/sortable.js"], page["scripts"]
assert not [s for s in home["scripts"] if s and "sortable" in s], home["scripts"]
' "$TEST_TMP/page.json" "$TEST_TMP/home.json"

# Nothing unpublished: no author of a submission the site does not publish (unless
# they also published), no reviewer, no e-mail address.
check "the page holds no unpublished author, no reviewer and no e-mail address" -- "$PY" -c '
import glob, json, os, re, sys
import yaml
page = json.load(open(sys.argv[1]))
text = page["text"]
html = open(sys.argv[2], encoding="utf-8").read()
root = sys.argv[3]
published, hidden = set(), set()
for d in glob.glob(os.path.join(root, "submissions", "*")):
    rec = yaml.safe_load(open(os.path.join(d, "submission.yaml")))
    ms = open(os.path.join(d, "manuscript.md"), encoding="utf-8").read()
    front = yaml.safe_load(ms.split("---")[1])
    names = {a["name"] for a in front.get("authors", [])}
    (published if rec.get("state") == "published" else hidden).update(names)
assert hidden, "the sample has unpublished submissions"
for name in hidden - published:
    assert name not in text, "unpublished author on the page: " + name
roster = yaml.safe_load(open(os.path.join(root, "reviewers.yaml"))) or []
roster = roster.get("reviewers", roster) if isinstance(roster, dict) else roster
for r in roster:
    if r.get("name") not in published:
        assert r.get("name") not in text, "reviewer on the page: %s" % r.get("name")
    if r.get("email"):
        assert r["email"] not in html, r["email"]
# The editorial office'"'"'s public address (contact_email, in every footer) is the only one.
contact = (yaml.safe_load(open(os.path.join(root, "journal.yaml"))) or {}).get("contact_email")
if contact:
    html = html.replace(contact, "")
assert not re.search(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}", html), "an e-mail address"
' "$TEST_TMP/page.json" "$S/statistics/index.html" "$J"

if [ -f "$S/ru/statistics/index.html" ]; then
    expect_exit 0 "stats --json --lang ru" -- "$JOURNAL" stats --json --lang ru
    cp "$OUT" "$TEST_TMP/stats-ru.json"
    "$PY" "$TEST_TMP/page.py" "$S/ru/statistics/index.html" >"$TEST_TMP/page-ru.json"
    check "the Russian page: Russian headline and country names, the same counts" -- "$PY" -c '
import json, sys
page, stats = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
n = stats["articles"]
assert page["headline"].startswith("%d стат" % n) and " авторов из " in page["headline"], page["headline"]
names = [r[0] for r in page["tables"]["stats-countries"][1:]]
assert names == [c["code"] + " " + c["name"] for c in stats["countries"]], names
got = {p["country"]: int(p["articles"]) for p in page["paths"] if p["articles"] is not None}
assert got == {c["code"].lower(): c["articles"] for c in stats["countries"]}, got
assert any(t.startswith("Казахстан: ") for t in page["map_titles"]), page["map_titles"]
' "$TEST_TMP/page-ru.json" "$TEST_TMP/stats-ru.json"
fi

# A scheduled issue (built with a date in the future) counts neither in journal stats
# nor on the page; neither does an issue dated in the future that the site leaves out.
J2=$TEST_TMP/scheduled
sample_journal "$J2" || finish
cd "$J2" || exit 1
sed -i 's/^state: submitted/state: accepted/' submissions/10/submission.yaml
tgit commit -qam "Accept 10"
expect_exit 0 "build-issue 3 --date in the future schedules it" -- "$JOURNAL" build-issue 3 --date 2026-06-30
expect_exit 0 "stats --json with a scheduled issue" -- "$JOURNAL" stats --json
cp "$OUT" "$TEST_TMP/stats-scheduled.json"
check "journal stats leaves the scheduled issue out" -- "$PY" -c '
import json, sys
before, after = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert after == before, (after["headline"], before["headline"])
' "$TEST_TMP/stats.json" "$TEST_TMP/stats-scheduled.json"
# An issue dated in the future whose article is marked published (edited by hand):
# the site does not publish it, so the page does not count it.
mkdir -p submissions/12
cat >submissions/12/manuscript.md <<'MD'
---
title: "A study from Brazil"
abstract: A.
authors:
  - name: Future Author
    affiliations: [{name: Some School, country: BR}]
---
Body.
MD
printf 'number: 12\nstate: published\nsubmitted: 2026-01-02\npublished: 2026-07-30\nissue: 4\n' \
    >submissions/12/submission.yaml
printf 'volume: 2\nnumber: 2\nyear: 2026\ndate: 2026-07-30\narticles: [12]\n' >issues/4.yaml
tgit add -A && tgit commit -qm "Issue 4, dated in the future"
expect_exit 0 "build-site with scheduled and future-dated issues" -- "$JOURNAL" build-site
"$PY" "$TEST_TMP/page.py" "_site/statistics/index.html" >"$TEST_TMP/page-scheduled.json"
check "the page counts only what the site publishes" -- "$PY" -c '
import json, sys
page, stats = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert page["headline"] == stats["headline"], page["headline"]
got = {p["country"]: int(p["articles"]) for p in page["paths"] if p["articles"] is not None}
assert got == {c["code"].lower(): c["articles"] for c in stats["countries"]}, got
assert "br" not in got and "Future Author" not in page["text"]
' "$TEST_TMP/page-scheduled.json" "$TEST_TMP/stats.json"
check "nothing of the future issue is on the site" -- \
    sh -c "test ! -e _site/articles/12 && test ! -e _site/articles/10"
finish
