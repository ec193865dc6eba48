#!/usr/bin/env bash
# What indexers and reference managers read from every article of the sample
# site: Google Scholar's citation_* tags, Dublin Core, Open Graph and the
# schema.org JSON-LD in the page's head, checked against the manuscript, its
# record and its issue; and the downloads beside the page (RIS, CSL-JSON and
# JATS XML), which must parse, and must be valid: the JATS against the Journal
# Publishing 1.3 DTD its DOCTYPE names (tests/specs/jats) and Crossref's JATS 1.3 XSD
# (schemas/crossref), the CSL-JSON against its schema (tests/specs/csl); so must the
# OAI static repository and the sitemap.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site

# Pages for the articles of issue 1, a DOI for article 1, and an abstract that
# tries to close the JSON-LD's <script> early.
"$PY" - <<'PY'
import re
path = "issues/1.yaml"
text = open(path, encoding="utf-8").read()
text = re.sub(r"^articles: \[1, 2, 3, 4, 5\]$",
              'articles:\n  - {submission: 1, pages: "1-14"}\n  - {submission: 2, pages: "15-30"}\n'
              '  - {submission: 3, pages: "31-44"}\n  - {submission: 4, pages: "e4"}\n  - 5',
              text, flags=re.M)
open(path, "w", encoding="utf-8").write(text)
with open("submissions/1/submission.yaml", "a", encoding="utf-8") as f:
    f.write("doi: 10.99999/jcsrp.2025.1.1.1\n")
path = "submissions/4/manuscript.md"
text = open(path, encoding="utf-8").read()
text = text.replace("abstract: |\n", "abstract: |\n  Tags </script><!-- <script> & \"quotes\" stay text.\n", 1)
open(path, "w", encoding="utf-8").write(text)
# A department (on a Russian page): named with its university on the page and in the head.
path = "submissions/2/manuscript.md"
text = open(path, encoding="utf-8").read()
authors = text.split("\nauthors:\n", 1)
assert len(authors) == 2, "submission 2 lists its authors"
head, rest = authors
front, body = rest.split("\n---\n", 1)
front = re.sub(r"^(      - name: .*)$", r"\1\n        department: Кафедра государственной политики",
               front, count=1, flags=re.M)
open(path, "w", encoding="utf-8").write(head + "\nauthors:\n" + front + "\n---\n" + body)
PY
grep -q "department: Кафедра государственной политики" submissions/2/manuscript.md ||
    fail "the test's department reached submission 2"
tgit add -A && tgit commit -q -m "Pages, a DOI, a department and a hostile abstract" || fail "commit the test's changes"

expect_exit 0 "build-site on the sample" -- "$JOURNAL" build-site

check "every article page's head matches its manuscript, record and issue" -- \
    "$PY" - "$J" <<'PY'
import glob, html.parser, json, os, re, sys, yaml

root = sys.argv[1]
site = os.path.join(root, "_site")
config = yaml.safe_load(open(os.path.join(root, "journal.yaml"), encoding="utf-8"))
base = config["base_url"]
journal = config["title"]["en"] if isinstance(config["title"], dict) else config["title"]
# The metadata speak the journal's main language: its publisher given per language is the English one.
publisher = config["publisher"]["en"] if isinstance(config["publisher"], dict) else config["publisher"]

issues = {}
for path in glob.glob(os.path.join(root, "issues", "*.yaml")):
    issue = yaml.safe_load(open(path, encoding="utf-8"))
    for entry in issue["articles"]:
        number = entry if isinstance(entry, int) else entry["submission"]
        pages = None if isinstance(entry, int) else entry.get("pages")
        issues[number] = (issue, pages)

def front_matter(path):
    text = open(path, encoding="utf-8").read()
    return yaml.safe_load(text.split("\n---\n", 1)[0][4:])

def affiliations(author):
    affs = author.get("affiliations", author.get("affiliation", []))
    if not isinstance(affs, list):
        affs = [affs]
    return [a if isinstance(a, str) else a["name"] for a in affs]

def institutions(author):
    """citation_author_institution: "Department of X, University Y" where a department is given."""
    affs = author.get("affiliations", author.get("affiliation", []))
    if not isinstance(affs, list):
        affs = [affs]
    return [a if isinstance(a, str) else
            (a["department"] + ", " + a["name"] if a.get("department") else a["name"])
            for a in affs]

class Head(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links, self.scripts, self.in_head, self.script = [], [], [], False, None
        self.meta_lang = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and self.in_head and ("name" in a or "property" in a):
            self.meta.append((a.get("name") or a.get("property"), a.get("content")))
            self.meta_lang.append((a.get("name") or a.get("property"), a.get("content"),
                                   a.get("lang")))
        elif tag == "link" and self.in_head:
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self.script = ""
    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        elif tag == "script" and self.script is not None:
            self.scripts.append(self.script)
            self.script = None
    def handle_data(self, data):
        if self.script is not None:
            self.script += data

def values(meta, key):
    return [v for k, v in meta if k == key]

def one(meta, key):
    v = values(meta, key)
    assert len(v) == 1, (key, v)
    return v[0]

published = [int(os.path.basename(os.path.dirname(p)))
             for p in glob.glob(os.path.join(root, "submissions", "*", "submission.yaml"))
             if yaml.safe_load(open(p, encoding="utf-8"))["state"] == "published"]
assert sorted(published) == list(range(1, 10)), published
types = {front_matter(os.path.join(root, "submissions", str(n), "manuscript.md"))["type"]
         for n in published}
assert {"editorial", "interview", "research-article"} <= types, types
for n in sorted(published):
    sub = os.path.join(root, "submissions", str(n))
    m = front_matter(os.path.join(sub, "manuscript.md"))
    record = yaml.safe_load(open(os.path.join(sub, "submission.yaml"), encoding="utf-8"))
    issue, pages = issues[n]
    page_path = os.path.join(site, "articles", str(n), "index.html")
    page = open(page_path, encoding="utf-8").read()
    head_html = page.split("</head>", 1)[0]
    h = Head()
    h.feed(page)
    meta = h.meta
    url = f"{base}articles/{n}/index.html"
    title = m["title"] + (": " + m["subtitle"] if m.get("subtitle") else "")
    authors = m["authors"]
    names = [a["name"] for a in authors]
    date = str(record.get("published") or issue["date"])
    lang = m["lang"]
    keywords = m.get("keywords", [])
    where = f"article {n}"
    # Its translations (translations: {en: {title, subtitle, abstract, keywords}}), in order.
    trans = [(code, t) for code, t in (m.get("translations") or {}).items()]
    trans_titles = [(t["title"] + (": " + t["subtitle"] if t.get("subtitle") else ""), code)
                    for code, t in trans]
    trans_keywords = [(k, code) for code, t in trans for k in t.get("keywords", [])]
    def with_lang(key):
        return [(v, l) for k, v, l in h.meta_lang if k == key]

    # Google Scholar, for scholarly articles only: its inclusion guidelines leave out
    # editorials and interviews, which keep Dublin Core, Open Graph and JSON-LD.
    scholarly = m["type"] not in ("editorial", "interview")
    if not scholarly:
        assert not [k for k, v in meta if k.startswith("citation_")], (where, m["type"])
    else:
        assert one(meta, "citation_title") == title, where
        assert values(meta, "citation_author") == names, where
        # Each author's institutions and ORCID iD follow the author, in order.
        seq = [(k, v) for k, v in meta if k in ("citation_author", "citation_author_institution",
                                                 "citation_author_orcid")]
        expected = []
        for a in authors:
            expected.append(("citation_author", a["name"]))
            expected += [("citation_author_institution", x) for x in institutions(a)]
            if a.get("orcid"):
                expected.append(("citation_author_orcid", "https://orcid.org/" + str(a["orcid"])))
        assert seq == expected, (where, seq, expected)
        assert one(meta, "citation_publication_date") == date.replace("-", "/"), where
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", one(meta, "citation_publication_date"))
        assert one(meta, "citation_journal_title") == journal, where
        assert one(meta, "citation_journal_abbrev") == config["abbreviation"], where
        assert one(meta, "citation_issn") == config["issn"], where
        assert one(meta, "citation_publisher") == publisher, where
        assert one(meta, "citation_volume") == str(issue["volume"]), where
        assert one(meta, "citation_issue") == str(issue["number"]), where
        if pages and "-" in pages:
            first, last = pages.split("-")
            assert one(meta, "citation_firstpage") == first, where
            assert one(meta, "citation_lastpage") == last, where
        elif pages:
            assert one(meta, "citation_firstpage") == pages, where
            assert not values(meta, "citation_lastpage"), where
        else:
            assert not values(meta, "citation_firstpage") and not values(meta, "citation_lastpage")
        if record.get("doi"):
            assert one(meta, "citation_doi") == record["doi"], where
        else:
            assert not values(meta, "citation_doi"), where
        assert one(meta, "citation_abstract_html_url") == url, where
        assert one(meta, "citation_language") == lang, where
        assert values(meta, "citation_keywords") == keywords, where
        assert not values(meta, "citation_pdf_url"), where

    # Dublin Core
    assert any(l.get("rel") == "schema.DC" and l.get("href") == "http://purl.org/dc/elements/1.1/"
               for l in h.links), where
    # The title in each language, each with its lang (DC.title with lang="en" for the English
    # translation); Scholar documents one citation_title, the article's own.
    assert with_lang("DC.title") == [(title, lang)] + trans_titles, where
    assert values(meta, "DC.creator") == names, where
    assert one(meta, "DC.date") == date, where
    ids = values(meta, "DC.identifier")
    assert url in ids, where
    if record.get("doi"):
        assert "https://doi.org/" + record["doi"] in ids, where
    assert one(meta, "DC.publisher") == publisher, where
    assert one(meta, "DC.language") == lang, where
    assert one(meta, "DC.rights").startswith(config["license"]), where
    assert with_lang("DC.subject") == [(k, lang) for k in keywords] + trans_keywords, where
    assert [(" ".join(v.split()), l) for v, l in with_lang("DC.description")] == \
        [(" ".join(t["abstract"].split()), code) for code, t in trans if t.get("abstract")], where
    assert one(meta, "DC.type") == "Text", where
    assert one(meta, "DC.source") == journal, where
    assert one(meta, "DC.relation.isPartOf") == "urn:issn:" + config["issn"], where

    # The page names each department with its university.
    for a in authors:
        for raw_aff in a.get("affiliations", []):
            if isinstance(raw_aff, dict) and raw_aff.get("department"):
                assert ('<span class="aff-department">%s</span>, <span class="aff-name">%s</span>'
                        % (raw_aff["department"], raw_aff["name"])) in page, (where, raw_aff)

    # Canonical link and Open Graph
    assert [l["href"] for l in h.links if l.get("rel") == "canonical"] == [url], where
    assert one(meta, "og:type") == "article", where
    assert one(meta, "og:title") == title, where
    assert one(meta, "og:url") == url, where
    assert one(meta, "og:site_name"), where
    assert one(meta, "og:locale").startswith(lang + "_"), where
    assert one(meta, "article:published_time") == date, where
    assert values(meta, "article:author") == names, where
    assert " ".join(one(meta, "og:description").split()) == " ".join(m["abstract"].split()), where

    # schema.org JSON-LD: one script, nothing in it that ends it early
    assert len(h.scripts) == 1, where
    raw = h.scripts[0]
    assert "</" not in raw and "<!--" not in raw, where
    ld = json.loads(raw)
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "ScholarlyArticle", where
    assert ld["headline"] == m["title"] and ld["url"] == url, where
    assert ld["datePublished"] == date and ld["inLanguage"] == lang, where
    assert " ".join(ld["abstract"].split()) == " ".join(m["abstract"].split()), where
    assert ld["keywords"] == ", ".join(keywords), where
    if trans:
        assert ld["alternateName"] == [{"@value": v, "@language": l} for v, l in trans_titles]
    else:
        assert "alternateName" not in ld, where
    assert ld["license"] == "https://creativecommons.org/licenses/by/4.0/", where
    assert [p["name"] for p in ld["author"]] == names, where
    for a, p in zip(authors, ld["author"]):
        assert p["@type"] == "Person"
        if a.get("orcid"):
            orcid = "https://orcid.org/" + str(a["orcid"])
            assert p["sameAs"] == orcid and p["identifier"]["value"] == str(a["orcid"]), where
        else:
            assert "sameAs" not in p and "identifier" not in p, where
        affs = affiliations(a)
        assert [o["name"] for o in p["affiliation"]] == affs, where
        for raw_aff, org in zip(a.get("affiliations", []), p["affiliation"]):
            assert org["@type"] == "Organization"
            if isinstance(raw_aff, dict) and raw_aff.get("international"):
                assert "address" not in org, where
            else:
                assert re.fullmatch(r"[A-Z]{2}", org["address"]["addressCountry"]), where
    if record.get("doi"):
        assert ld["identifier"] == {"@type": "PropertyValue", "propertyID": "DOI",
                                    "value": record["doi"],
                                    "url": "https://doi.org/" + record["doi"]}, where
    else:
        assert "identifier" not in ld, where
    part = ld["isPartOf"]
    assert part["@type"] == "PublicationIssue" and part["issueNumber"] == str(issue["number"])
    vol = part["isPartOf"]
    assert vol["@type"] == "PublicationVolume" and vol["volumeNumber"] == str(issue["volume"])
    per = vol["isPartOf"]
    assert per["@type"] == "Periodical" and per["name"] == journal and per["issn"] == config["issn"]
    assert ld["publisher"] == {"@type": "Organization", "name": publisher}, where
    if pages and "-" in pages:
        assert (ld["pageStart"], ld["pageEnd"]) == tuple(pages.split("-")), where

    # The downloads are linked from "How to cite".
    for f in ("citation.bib", "citation.ris", "citation.json", "article.xml"):
        assert f'href="../../articles/{n}/{f}"' in page, (where, f)

# The checks of translations above are not empty: the sample's Russian article 2 has one.
assert "en" in (front_matter(os.path.join(root, "submissions", "2", "manuscript.md"))
                .get("translations") or {}), "article 2 has an English translation"

# The hostile abstract is text in the JSON-LD, and the page has one script element.
page = open(os.path.join(site, "articles", "4", "index.html"), encoding="utf-8").read()
head = page.split("</head>", 1)[0]
assert head.count("<script") == 1 and head.count("</script>") == 1, head
h = Head()
h.feed(page)
ld = json.loads(h.scripts[0])
assert ld["abstract"].startswith('Tags </script><!-- <script> & "quotes" stay text.'), ld["abstract"]
assert "<\\/script>" in h.scripts[0] and "\\u003c!--" in h.scripts[0], h.scripts[0]
PY

check "RIS and CSL-JSON parse and match the manuscript" -- "$PY" - "$J" <<'PY'
import glob, json, os, sys, yaml
root = sys.argv[1]
for n in range(1, 10):
    text = open(os.path.join(root, "submissions", str(n), "manuscript.md"), encoding="utf-8").read()
    m = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
    title = m["title"] + (": " + m["subtitle"] if m.get("subtitle") else "")
    d = os.path.join(root, "_site", "articles", str(n))
    raw = open(os.path.join(d, "citation.ris"), "rb").read()
    ris = raw.decode("utf-8")
    assert ris.startswith("TY  - JOUR\r\n") and ris.endswith("ER  - \r\n"), n
    assert raw.count(b"\n") == raw.count(b"\r\n"), n
    lines = ris.split("\r\n")[:-1]
    for line in lines:
        assert len(line) >= 5 and line[2:6] == "  - ", (n, line)
    tags = [(l[:2], l[6:]) for l in lines]
    assert [v for t, v in tags if t == "TI"] == [title], n
    assert len([v for t, v in tags if t == "AU"]) == len(m["authors"]), n
    assert [v for t, v in tags if t == "KW"] == m.get("keywords", []), n
    assert [v for t, v in tags if t == "LA"] == [m["lang"]], n
    csl = json.load(open(os.path.join(d, "citation.json"), encoding="utf-8"))
    assert isinstance(csl, list) and len(csl) == 1, n
    item = csl[0]
    assert item["type"] == "article-journal" and item["title"] == title, n
    assert len(item["author"]) == len(m["authors"]), n
    assert all("family" in a for a in item["author"]), n
    assert item["issued"]["date-parts"][0][0] == 2025, n
    assert item["language"] == m["lang"], n
    trans = m.get("translations") or {}
    got = item.get("custom", {}).get("translations", {})
    assert sorted(got) == sorted(trans), n
    for code, t in trans.items():
        assert got[code]["title"] == t["title"] + (": " + t["subtitle"] if t.get("subtitle") else "")
        assert got[code]["keyword"] == ", ".join(t.get("keywords", [])), n
PY

check "JATS parses and holds the manuscript" -- "$PY" - "$J" <<'PY'
import os, sys, yaml
import xml.etree.ElementTree as ET
root = sys.argv[1]
XML = "{http://www.w3.org/XML/1998/namespace}"
for n in range(1, 10):
    text = open(os.path.join(root, "submissions", str(n), "manuscript.md"), encoding="utf-8").read()
    m = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
    a = ET.parse(os.path.join(root, "_site", "articles", str(n), "article.xml")).getroot()
    assert a.tag == "article" and a.get("dtd-version") == "1.3", n
    assert a.get(XML + "lang") == m["lang"] and a.get("article-type") == m["type"], n
    assert "".join(a.find("front/article-meta/title-group/article-title").itertext()) == m["title"]
    assert len(a.findall("front/article-meta/contrib-group/contrib")) == len(m["authors"]), n
    orcids = [c.text for c in a.findall("front/article-meta/contrib-group/contrib/contrib-id")]
    assert orcids == ["https://orcid.org/" + str(x["orcid"]) for x in m["authors"] if x.get("orcid")]
    assert len(a.findall("body//sec")) > 0, n
    groups = a.findall("front/article-meta/kwd-group")
    trans = m.get("translations") or {}
    assert [(g.get(XML + "lang"), [k.text for k in g.findall("kwd")]) for g in groups] == \
        ([(m["lang"], m["keywords"])] if m.get("keywords") else []) + \
        [(code, t["keywords"]) for code, t in trans.items() if t.get("keywords")], n
    tgroups = a.findall("front/article-meta/title-group/trans-title-group")
    assert [(g.get(XML + "lang"), g.find("trans-title").text) for g in tgroups] == \
        [(code, t["title"]) for code, t in trans.items()], n
    tabs = a.findall("front/article-meta/trans-abstract")
    assert [g.get(XML + "lang") for g in tabs] == \
        [code for code, t in trans.items() if t.get("abstract")], n
a = ET.parse(os.path.join(root, "_site", "articles", "1", "article.xml")).getroot()
assert a.find("front/article-meta/article-id[@pub-id-type='doi']").text == "10.99999/jcsrp.2025.1.1.1"
assert a.find("front/article-meta/fpage").text == "1" and a.find("front/article-meta/lpage").text == "14"
PY

# Crossref's copy of the JATS 1.3 XSD puts the elements in the namespace
# http://www.ncbi.nlm.nih.gov/JATS1 and knows dtd-version only up to "1.3d2":
# JATS articles have no namespace and say "1.3", so the copy validated declares
# that namespace on the root and says "1.3d2"; nothing else is changed.
if [ -f "$CROSSREF_SCHEMA_DIR/catalog.xml" ]; then
    for n in 1 2 3 4 5 6 7 8 9; do
        sed -e '0,/<article /s//<article xmlns="http:\/\/www.ncbi.nlm.nih.gov\/JATS1" /' \
            -e '0,/ dtd-version="1.3"/s// dtd-version="1.3d2"/' \
            "$S/articles/$n/article.xml" >"$TEST_TMP/article-$n.xml"
        expect_exit 0 "article $n's JATS is valid against the JATS 1.3 XSD" -- \
            env XML_CATALOG_FILES="$CROSSREF_SCHEMA_DIR/catalog.xml" xmllint --nonet --noout \
            --schema "$CROSSREF_SCHEMA_DIR/schemas/JATS-journalpublishing1-3d2-mathml3.xsd" \
            "$TEST_TMP/article-$n.xml"
    done
else
    fail "$CROSSREF_SCHEMA_DIR has no catalog.xml to validate JATS against"
fi

# As PMC and xmllint --valid read them: with the Journal Publishing 1.3 DOCTYPE, valid against
# that DTD; and every other file of the site that has a published schema.
check_eq "article.xml declares the Journal Publishing 1.3 DTD with MathML3" \
    '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 v1.3 20210610//EN" "JATS-journalpublishing1-3-mathml3.dtd">' \
    "$(sed -n 2p "$S/articles/1/article.xml")"
check_site_valid "$S" "the sample site"

finish
