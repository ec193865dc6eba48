#!/usr/bin/env bash
# What indexers and harvesters get: `journal export doaj ISSUE` (valid against
# DOAJ's schema, offline), and from build-site the Atom feeds, sitemap.xml,
# robots.txt and the OAI-PMH static repository; bad input is refused with
# exit 1 and nothing written.
. "$(dirname "$0")/lib.sh"

SPECS=$SPECS_DIR
BASE=$TEST_BASE_URL

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1

# DOIs and pages as build-issue gives them from the galleys (pagination: typeset), and a
# contact address for OAI-PMH.
for n in 1 2 3 4 5; do
    echo "doi: 10.99999/jcsrp.2025.1.1.$n" >>"submissions/$n/submission.yaml"
done
cat >issues/1.yaml <<'EOF'
volume: 1
number: 1
year: 2025
date: 2025-06-30
title: "Merit, Performance and Integrity in the Civil Service"
pagination: typeset
articles:
  - {submission: 1, pages: "1-14"}
  - {submission: 2, pages: "15-30"}
  - {submission: 3, pages: "31-44"}
  - {submission: 4, pages: "45-52"}
  - {submission: 5, pages: "53-60"}
EOF
# The sample names its editorial office (contact_email), which OAI-PMH gives as adminEmail.
# A hostile title: markup characters, quotes and Cyrillic must come out as valid XML.
HOSTILE='Reform & <b>results</b> "quoted" '"'single'"' ]]> — Реформа'
python3 - "$HOSTILE" submissions/3/manuscript.md <<'EOF'
import re, sys
title, path = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
quoted = "'" + title.replace("'", "''") + "'"
open(path, "w", encoding="utf-8").write(re.sub(r"(?m)^title: .*$", lambda m: "title: " + quoted, text, count=1))
EOF
tgit add -A && tgit commit -q -m "DOIs, pages, contact"

# ---- journal export doaj ----

expect_exit 0 "export doaj 1" -- "$JOURNAL" export doaj 1
cp "$OUT" "$TEST_TMP/doaj.xml"
check "the DOAJ export validates against doajArticles.xsd (offline)" -- \
    env XML_CATALOG_FILES="$SPECS/doaj/catalog.xml" xmllint --nonet --noout \
    --schema "$SPECS/doaj/doajArticles.xsd" "$TEST_TMP/doaj.xml"

doaj_fields() {
    python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
for r in ET.parse(sys.argv[1]).getroot().findall("record"):
    print(r.findtext("publisherRecordId"), r.findtext("doi"), r.findtext("language"),
          r.findtext("startPage"), r.findtext("endPage"), r.findtext("fullTextUrl"))
EOF
}
check_eq "one record per article of issue 1, with its DOI, language, pages and page URL" \
    "1 10.99999/jcsrp.2025.1.1.1 eng 1 14 ${BASE}articles/1/index.html
2 10.99999/jcsrp.2025.1.1.2 rus 15 30 ${BASE}articles/2/index.html
3 10.99999/jcsrp.2025.1.1.3 eng 31 44 ${BASE}articles/3/index.html
4 10.99999/jcsrp.2025.1.1.4 eng 45 52 ${BASE}articles/4/index.html
5 10.99999/jcsrp.2025.1.1.5 eng 53 60 ${BASE}articles/5/index.html" \
    "$(doaj_fields "$TEST_TMP/doaj.xml")"

check_eq "the hostile title comes back unchanged from the DOAJ XML" "$HOSTILE" \
    "$(python3 -c 'import sys, xml.etree.ElementTree as ET
print([r for r in ET.parse(sys.argv[1]).getroot() if r.findtext("publisherRecordId") == "3"][0].findtext("title"))' "$TEST_TMP/doaj.xml")"

expect_exit 0 "export doaj 2 (articles without DOI or pages)" -- "$JOURNAL" export doaj 2
check "issue 2 validates too" -- env XML_CATALOG_FILES="$SPECS/doaj/catalog.xml" \
    xmllint --nonet --noout --schema "$SPECS/doaj/doajArticles.xsd" "$OUT"

mkdir -p "$TEST_TMP/out"
expect_exit 0 "export doaj 1 -o FILE" -- "$JOURNAL" export doaj 1 -o "$TEST_TMP/out/doaj.xml"
check "-o writes the same XML as standard output" -- cmp "$TEST_TMP/doaj.xml" "$TEST_TMP/out/doaj.xml"
check_eq "-o leaves no temporary file" "doaj.xml" "$(ls -A "$TEST_TMP/out")"
check_eq "-o prints nothing" "" "$(cat "$OUT")"

expect_exit 2 "export without a format is a usage error" -- "$JOURNAL" export
expect_stderr_match "doaj" "... that names the formats"
expect_exit 2 "an unknown format is a usage error" -- "$JOURNAL" export crossref 1
expect_stderr_match "unknown format 'crossref'.*doaj" "... naming it and the formats"
expect_exit 0 "journal help export" -- "$JOURNAL" help export
expect_stdout_match "journal export doaj ISSUE" "... shows the usage"

# ---- refusals: exit 1, a clear message, nothing written ----

snapshot "$J" >"$TEST_TMP/before"
expect_exit 1 "an unknown issue is refused" -- "$JOURNAL" export doaj 9 -o "$TEST_TMP/out/nine.xml"
expect_stderr_match "issue 9: no such issue" "... with a clear message"
check "... and no file is written" -- test ! -e "$TEST_TMP/out/nine.xml"
expect_unchanged "$TEST_TMP/before" "$J" "... and the journal is unchanged"

# An issue that lists unpublished submissions, and a scheduled one, each in a copy.
B=$TEST_TMP/bad
cp -R "$J" "$B"
cat >"$B/issues/3.yaml" <<'EOF'
volume: 2
number: 1
year: 2026
date: 2026-01-01
articles: [10, 11]
EOF
cat >"$B/issues/4.yaml" <<'EOF'
volume: 2
number: 2
year: 2026
date: 2026-06-30
articles: [10]
EOF
tgit -C "$B" add -A && tgit -C "$B" commit -q -m "bad issues"
expect_exit 1 "an issue listing unpublished submissions is refused" -- \
    in_dir "$B" "$JOURNAL" export doaj 3 -o "$TEST_TMP/out/three.xml"
expect_stderr_match "issues/3.yaml:[0-9]+: lists submission 10, which is not published \(its state is submitted\)" \
    "... naming the file, line, submission and state"
check "... and no file is written" -- test ! -e "$TEST_TMP/out/three.xml"
expect_exit 1 "a scheduled issue is refused" -- in_dir "$B" "$JOURNAL" export doaj 4
expect_stderr_match "issue 4 is scheduled for 2026-06-30" "... saying when it will be published"
check_eq "... and nothing is printed" "" "$(cat "$OUT")"

N=$TEST_TMP/noissn
cp -R "$J" "$N"
sed -i '/^issn:/d' "$N/journal.yaml"
tgit -C "$N" commit -q -am "no ISSN"
expect_exit 1 "a journal without ISSN is refused" -- \
    in_dir "$N" "$JOURNAL" export doaj 1 -o "$TEST_TMP/out/noissn.xml"
expect_stderr_match "journal.yaml: no issn" "... with a clear message"
check "... and no file is written" -- test ! -e "$TEST_TMP/out/noissn.xml"

P=$TEST_TMP/placeholder
cp -R "$J" "$P"
sed -i 's|^base_url: .*|base_url: "https://journal.example.org/"|' "$P/journal.yaml"
tgit -C "$P" commit -q -am "the sample's placeholder base_url"
expect_exit 1 "a journal whose base_url is a placeholder is refused" -- \
    in_dir "$P" "$JOURNAL" export doaj 1 -o "$TEST_TMP/out/placeholder.xml"
expect_stderr_match "^journal export: journal.yaml:[0-9]+:11: base_url 'https://journal.example.org/' is a placeholder \(example.org is reserved.*set base_url in journal.yaml" \
    "... naming base_url, its line in journal.yaml and what to do"
check "... and no file is written" -- test ! -e "$TEST_TMP/out/placeholder.xml"

# ---- build-site: feeds, sitemap, robots.txt, OAI-PMH ----

expect_exit 0 "build-site" -- "$JOURNAL" build-site
expect_stdout_match "^Built 29 pages" "... counts the HTML pages only"
S=$J/_site
for f in feed.xml ru/feed.xml sitemap.xml robots.txt oai/static-repository.xml; do
    check "build-site writes $f" -- test -s "$S/$f"
done
check "feeds, sitemap and OAI file are well-formed XML" -- \
    xmllint --nonet --noout "$S/feed.xml" "$S/ru/feed.xml" "$S/sitemap.xml" \
    "$S/oai/static-repository.xml"
# Against their published schemas (tests/specs): the static repository with OAI-PMH and
# oai_dc, the sitemap with its hreflang alternates, each article's JATS and CSL-JSON.
check_site_valid "$S" "the site"
sed 's|<oai:earliestDatestamp>|<oai:earliestDatestamp>not a date |' \
    "$S/oai/static-repository.xml" >"$TEST_TMP/bad-oai.xml"
if oai_static_valid "$TEST_TMP/bad-oai.xml" >/dev/null 2>&1; then
    fail "a static repository that breaks its schema is caught (the validator is not a no-op)"
else
    pass "a static repository that breaks its schema is caught (the validator is not a no-op)"
fi

feed_links() {
    python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
for e in ET.parse(sys.argv[1]).getroot().findall(A + "entry"):
    print(e.find(A + "link").get("href"))
EOF
}
expected_articles=$(for n in 1 2 3 4 5 6 7 8 9; do echo "${BASE}articles/$n/index.html"; done)
check_eq "the feed lists exactly the published articles (not submissions 10 and 11)" \
    "$expected_articles" "$(feed_links "$S/feed.xml" | sort -V)"
check_eq "the Russian feed lists the same articles" \
    "$(feed_links "$S/feed.xml")" "$(feed_links "$S/ru/feed.xml")"
check_eq "newest first: issue 2's articles before issue 1's" \
    "${BASE}articles/9/index.html" "$(feed_links "$S/feed.xml" | sed -n 1p)"
check_eq "the hostile title comes back unchanged from the feed" "$HOSTILE" \
    "$(python3 -c 'import sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
print([e for e in ET.parse(sys.argv[1]).getroot().findall(A + "entry") if e.find(A + "link").get("href").endswith("/articles/3/index.html")][0].findtext(A + "title"))' "$S/feed.xml")"
check "the Russian feed is titled in Russian" -- \
    grep -q '<title type="text">Журнал реформы и практики государственной службы</title>' \
    "$S/ru/feed.xml"
check "every page's head links the feed of its language" -- \
    bash -c "grep -q 'type=\"application/atom+xml\"[^>]*href=\"feed.xml\"' '$S/index.html' &&
             grep -q 'type=\"application/atom+xml\"[^>]*href=\"../ru/feed.xml\"' '$S/ru/index.html' &&
             test \$(grep -L 'application/atom+xml' \$(find '$S' -name '*.html') | wc -l) -eq 0"

check_eq "the sitemap lists every HTML page of the site and nothing else" \
    "$(cd "$S" && find . -name '*.html' | sed "s|^\./|$BASE|" | LC_ALL=C sort)" \
    "$(python3 - "$S/sitemap.xml" <<'EOF' | LC_ALL=C sort
import sys, xml.etree.ElementTree as ET
N = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
for u in ET.parse(sys.argv[1]).getroot().findall(N + "url"):
    print(u.findtext(N + "loc"))
EOF
)"
check_eq "lastmod from the dates: an article, an issue, the home page" \
    "2025-06-30 2025-12-15 2025-12-15" \
    "$(python3 - "$S/sitemap.xml" "$BASE" <<'EOF'
import sys, xml.etree.ElementTree as ET
N = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
m = {u.findtext(N + "loc"): u.findtext(N + "lastmod") for u in ET.parse(sys.argv[1]).getroot()}
b = sys.argv[2]
print(m[b + "articles/1/index.html"], m[b + "ru/issues/2/index.html"], m[b + "index.html"])
EOF
)"
check_eq "pages in both languages name each other (xhtml:link), articles do not" \
    "en ru|" \
    "$(python3 - "$S/sitemap.xml" "$BASE" <<'EOF'
import sys, xml.etree.ElementTree as ET
N = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
X = "{http://www.w3.org/1999/xhtml}"
m = {u.findtext(N + "loc"): u for u in ET.parse(sys.argv[1]).getroot()}
b = sys.argv[2]
def langs(loc):
    return " ".join(l.get("hreflang") for l in m[b + loc].findall(X + "link"))
print(langs("ru/archive/index.html") + "|" + langs("articles/2/index.html"))
EOF
)"
check_eq "robots.txt allows all and points to the sitemap" \
    "User-agent: *
Allow: /

Sitemap: ${BASE}sitemap.xml" "$(cat "$S/robots.txt")"

# A site of more than 50,000 pages gets a sitemap index; the limit is lowered to see it.
expect_exit 0 "build-site -o with at most 10 URLs a sitemap" -- \
    env JOURNAL_SITEMAP_MAX_URLS=10 "$JOURNAL" build-site -o "$TEST_TMP/split"
check "the split sitemaps are well-formed XML" -- \
    xmllint --nonet --noout "$TEST_TMP/split/sitemap.xml" "$TEST_TMP/split/sitemap-1.xml" \
    "$TEST_TMP/split/sitemap-2.xml" "$TEST_TMP/split/sitemap-3.xml"
check "no fourth sitemap for 29 pages (the two search pages among them)" -- test ! -e "$TEST_TMP/split/sitemap-4.xml"
check "the split sitemaps validate against sitemaps.org 0.9" -- \
    sitemap_valid "$TEST_TMP/split"/sitemap-[0-9]*.xml
check_eq "sitemap.xml is an index of sitemap-1..3.xml, and together they list every page once" \
    "${BASE}sitemap-1.xml ${BASE}sitemap-2.xml ${BASE}sitemap-3.xml|10 10 9|$(cd "$S" && find . -name '*.html' | wc -l)" \
    "$(python3 - "$TEST_TMP/split" <<'EOF'
import os, sys, xml.etree.ElementTree as ET
N = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
root = ET.parse(os.path.join(sys.argv[1], "sitemap.xml")).getroot()
assert root.tag == N + "sitemapindex", root.tag
locs = [s.findtext(N + "loc") for s in root.findall(N + "sitemap")]
counts, urls = [], set()
for i in range(1, len(locs) + 1):
    us = [u.findtext(N + "loc") for u in ET.parse(os.path.join(sys.argv[1], "sitemap-%d.xml" % i)).getroot().findall(N + "url")]
    counts.append(str(len(us)))
    urls.update(us)
print(" ".join(locs) + "|" + " ".join(counts) + "|" + str(len(urls)))
EOF
)"

check "every URL in the feeds, sitemap and OAI file starts with base_url" -- \
    python3 - "$BASE" "$S/feed.xml" "$S/ru/feed.xml" "$S/sitemap.xml" \
    "$S/oai/static-repository.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
base, bad = sys.argv[1], []
for f in sys.argv[2:]:
    for e in ET.parse(f).iter():
        tag = e.tag.split("}")[-1]
        urls = [e.get("href")] if e.get("href") else []
        if tag in ("loc", "baseURL") or (tag in ("id", "identifier") and (e.text or "").startswith("http")):
            urls.append(e.text)
        for u in urls:
            if not (u.startswith(base) or u.startswith("https://doi.org/")):
                bad.append(f + ": " + u)
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF

oai_records() {
    python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
O = "{http://www.openarchives.org/OAI/2.0/}"
S = "{http://www.openarchives.org/OAI/2.0/static-repository}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == S + "Repository", root.tag
for part in ("Identify", "ListMetadataFormats", "ListRecords"):
    assert root.find(S + part) is not None, part
for r in root.find(S + "ListRecords").findall(O + "record"):
    print(r.find(O + "header").findtext(O + "identifier"))
EOF
}
check "the OAI repository gives the journal's contact_email as adminEmail" -- \
    grep -q '<oai:adminEmail>office@journal.example.org</oai:adminEmail>' "$S/oai/static-repository.xml"
check_eq "the OAI static repository has one oai_dc record per published article" \
    "$(for n in 1 2 3 4 5 6 7 8 9; do echo "oai:jcsrp.org:article/$n"; done)" \
    "$(oai_records "$S/oai/static-repository.xml" | sort -V)"

# The baseURL: the file's own URL without a gateway (doctor mentions it), and the gateway's URL
# followed by the file's URL without its scheme once oai_gateway_url is set.
check "without oai_gateway_url the baseURL is the file's own URL" -- \
    grep -q "<oai:baseURL>${BASE}oai/static-repository.xml</oai:baseURL>" "$S/oai/static-repository.xml"
expect_exit 0 "doctor without oai_gateway_url" -- "$JOURNAL" doctor
expect_stdout_match "^note: journal.yaml: no oai_gateway_url, so oai/static-repository.xml gives its own URL" \
    "... mentions the missing gateway, and still passes"
G=$TEST_TMP/gateway
cp -R "$J" "$G"
rm -rf "$G/_site"
echo 'oai_gateway_url: "http://gateway.institution.org/oai"' >>"$G/journal.yaml"
tgit -C "$G" commit -q -am "an OAI gateway"
expect_exit 0 "build-site with oai_gateway_url" -- in_dir "$G" "$JOURNAL" build-site
check "... writes the baseURL the static repository guidelines prescribe" -- grep -q \
    "<oai:baseURL>http://gateway.institution.org/oai/${BASE#https://}oai/static-repository.xml</oai:baseURL>" \
    "$G/_site/oai/static-repository.xml"
expect_exit 0 "doctor with oai_gateway_url" -- in_dir "$G" "$JOURNAL" doctor
check "... has nothing to mention about it" -- bash -c "! grep -q oai_gateway_url '$OUT'"
sed -i 's|^oai_gateway_url: .*|oai_gateway_url: "gateway.institution.org/oai"|' "$G/journal.yaml"
tgit -C "$G" commit -q -am "a gateway without its scheme"
expect_exit 1 "an oai_gateway_url that is no URL is refused" -- in_dir "$G" "$JOURNAL" build-site
expect_stderr_match "journal.yaml:[0-9]+:[0-9]+: oai_gateway_url must start with https:// or http://" \
    "... with its line"

# Without a contact address there is no OAI file (OAI-PMH requires adminEmail).
M=$TEST_TMP/nomail
cp -R "$J" "$M"
rm -rf "$M/_site"
sed -i '/^contact_email:/d; /^mail_reply_to:/d; /^mail_from_address:/d' "$M/journal.yaml"
tgit -C "$M" commit -q -am "no contact address"
expect_exit 0 "build-site without a mail address" -- in_dir "$M" "$JOURNAL" build-site
check "... writes no OAI file" -- test ! -e "$M/_site/oai"
check "... but the feeds, sitemap and robots.txt" -- \
    test -s "$M/_site/feed.xml" -a -s "$M/_site/ru/feed.xml" -a -s "$M/_site/sitemap.xml" \
    -a -s "$M/_site/robots.txt"

# Past 5,000 published articles (here 8, with the test knob) there is no static
# repository: the OAI guidelines mean it for collections of 1 to 5,000 records.
expect_exit 0 "build-site with more articles than a static repository holds" -- \
    in_dir "$J" env JOURNAL_OAI_MAX_RECORDS=8 "$JOURNAL" build-site -o "$TEST_TMP/nooai"
check "... writes no OAI static repository" -- test ! -e "$TEST_TMP/nooai/oai/static-repository.xml"
expect_stderr_match "warning: oai/static-repository.xml not written: an OAI-PMH static repository holds at most 8 records and the journal has 9 published articles" \
    "... and says why"
check "... the feeds and the sitemap are still written" -- \
    test -s "$TEST_TMP/nooai/feed.xml" -a -s "$TEST_TMP/nooai/sitemap.xml"
expect_exit 0 "a rebuild into the same folder at the limit (9 records)" -- \
    in_dir "$J" env JOURNAL_OAI_MAX_RECORDS=9 "$JOURNAL" build-site --force -o "$TEST_TMP/nooai"
check "... writes the static repository again" -- test -s "$TEST_TMP/nooai/oai/static-repository.xml"

# ---- a correction: build-issue --correct assigns DOIs to a published issue ----
# The sample's issue 2 (published 2025-12-15) has no DOIs. What harvesters and feed readers
# go by moves to the day of the correction; no entry's id changes (RFC 4287).
C=$TEST_TMP/corrected
sample_journal "$C" || finish
expect_exit 0 "build-site before the correction" -- in_dir "$C" "$JOURNAL" build-site -o "$TEST_TMP/c1"
expect_exit 0 "build-issue 2 --correct assigns the DOIs (on 2026-02-20)" -- \
    in_dir "$C" env JOURNAL_TODAY=2026-02-20 "$JOURNAL" build-issue 2 --correct "DOIs assigned"
check "... the records have their DOIs" -- grep -q '^doi: 10.99999/' "$C/submissions/6/submission.yaml"
expect_exit 0 "build-site after the correction" -- \
    in_dir "$C" env JOURNAL_TODAY=2026-02-20 "$JOURNAL" build-site -o "$TEST_TMP/c2"
dates_of() {
    python3 - "$1" "$BASE" <<'EOF'
import sys, xml.etree.ElementTree as ET
d, b = sys.argv[1], sys.argv[2]
A = "{http://www.w3.org/2005/Atom}"
O = "{http://www.openarchives.org/OAI/2.0/}"
S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
for e in ET.parse(d + "/feed.xml").getroot().findall(A + "entry"):
    if e.find(A + "link").get("href") in (b + "articles/6/index.html", b + "articles/1/index.html"):
        print("atom", e.findtext(A + "id"), e.findtext(A + "published"), e.findtext(A + "updated"))
oai = [(r.findtext(O + "identifier"), r.findtext(O + "datestamp"))
       for r in ET.parse(d + "/oai/static-repository.xml").getroot().iter(O + "header")]
for i, stamp in sorted(oai):
    if i.endswith((":article/6", ":article/1")):
        print("oai", i, stamp)
m = {u.findtext(S + "loc"): u.findtext(S + "lastmod") for u in ET.parse(d + "/sitemap.xml").getroot()}
print("sitemap", m[b + "articles/6/index.html"], m[b + "articles/1/index.html"])
EOF
}
HOST=${BASE#https://}
HOST=${HOST%/}
check_eq "before: tag: ids, the publication dates" \
    "atom tag:$HOST,2025-12-15:articles/6 2025-12-15T00:00:00Z 2025-12-15T00:00:00Z
atom tag:$HOST,2025-06-30:articles/1 2025-06-30T00:00:00Z 2025-06-30T00:00:00Z
oai oai:$HOST:article/1 2025-06-30
oai oai:$HOST:article/6 2025-12-15
sitemap 2025-12-15 2025-06-30" "$(dates_of "$TEST_TMP/c1")"
check_eq "after: the same ids; the corrected issue's updated, datestamp and lastmod moved, issue 1's not" \
    "atom tag:$HOST,2025-12-15:articles/6 2025-12-15T00:00:00Z 2026-02-20T00:00:00Z
atom tag:$HOST,2025-06-30:articles/1 2025-06-30T00:00:00Z 2025-06-30T00:00:00Z
oai oai:$HOST:article/1 2025-06-30
oai oai:$HOST:article/6 2026-02-20
sitemap 2026-02-20 2025-06-30" "$(dates_of "$TEST_TMP/c2")"
check "the feed says it changed on the day of the correction" -- \
    grep -q '^  <updated>2026-02-20T00:00:00Z</updated>' "$TEST_TMP/c2/feed.xml"

finish
