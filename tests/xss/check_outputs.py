#!/usr/bin/env python3
"""What the hostile corpus became, read without a browser (tests/cli/test_xss_escaping.sh).

    python3 tests/xss/check_outputs.py WORKDIR CORPUS_DIR

WORKDIR is what tests/xss/build-sites.sh made (site-safe, site-raw, numbers);
CORPUS_DIR holds front-matter.md, body.md and template.md. For both sites:

- every HTML page, read with Python's HTML tokenizer: the theme's
  Content-Security-Policy (script-src 'self') in the head, no event-handler attribute,
  no script but the theme's (assets/*.js; on the search page, its search.js loads Pagefind's)
  and JSON-LD data blocks that parse, no
  iframe/object/embed/base/form/meta http-equiv (but a Content-Security-Policy),
  no javascript:/vbscript:/data: URL (data: only as a raster <img src>);
- the hostile article's page: the <title>, h1, Highwire (citation_*), Dublin Core
  and Open Graph meta tags and the JSON-LD give back the manuscript's title,
  authors, affiliations, keywords and abstract exactly (nothing broke out of its
  attribute or script); template syntax is shown as written;
- every XML file (Atom feeds, OAI-PMH, sitemap, JATS) is well formed, has no
  script element, no on* attribute and no javascript: URL, and the feed, OAI-PMH
  and the JATS give back the hostile title exactly;
- CSL-JSON parses and gives back the title; RIS is one tag per line (no field
  starts a line of its own); BibTeX is one entry whose braces balance in every
  field, with only the fields the exporter writes.

Prints "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
"""

import html.parser
import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

import yaml

work, corpus = sys.argv[1], sys.argv[2]
failures = 0
passes = 0


def check(desc, cond, *details):
    global failures, passes
    if cond:
        passes += 1
        print(f"ok - {desc}")
    else:
        failures += 1
        print(f"not ok - {desc}")
        for d in details:
            for line in str(d).splitlines()[:20]:
                print(f"    # {line}")
    return cond


def front_matter(name):
    text = open(os.path.join(corpus, name), encoding="utf-8").read()
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))


def one_line(s):
    return " ".join(s.split())


FRONT = front_matter("front-matter.md")
TEMPLATE = front_matter("template.md")
numbers = [int(n) for n in open(os.path.join(work, "numbers")).read().split()]
N_FRONT, N_BODY, N_TEMPLATE = numbers
FULL_TITLE = FRONT["title"] + ": " + FRONT["subtitle"]

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
             "cite", "srcset"}
FORBIDDEN = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "portal"}
RASTER = re.compile(r"^data:image/(png|gif|jpeg|webp)[;,]")


def dangerous_url(tag, attr, value):
    v = re.sub(r"[\t\n\r]", "", value).lstrip("".join(chr(c) for c in range(0x21))).lower()
    if re.match(r"^(javascript|vbscript|livescript):", v):
        return True
    return v.startswith("data:") and not (tag == "img" and attr == "src" and RASTER.match(v))


class Page(html.parser.HTMLParser):
    """The tags, meta tags, JSON-LD and text of an HTML page, and what is wrong with it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.meta = []  # (name or property, content)
        self.json_ld = []
        self.stack = []
        self.texts = {}  # tag -> text of its first occurrence
        self.script = None
        self.capture = []  # [tag, depth, pieces]
        self.in_head = False
        self.csp = None
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        a = {}
        for name, value in attrs:
            a.setdefault(name, value or "")
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in URL_ATTRS and dangerous_url(tag, name, value or ""):
                self.problems.append(f"{name}={value!r} on <{tag}>")
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "head":
            self.in_head = True
        if tag == "body":
            self.in_head = False
        if tag in FORBIDDEN:
            self.problems.append(f"<{tag}> {a}")
        if tag == "meta":
            if "http-equiv" in a and a["http-equiv"].lower() != "content-security-policy":
                self.problems.append(f"<meta http-equiv> {a}")
            elif "http-equiv" in a and self.in_head and self.csp is None:
                self.csp = a.get("content", "")
            key = a.get("name") or a.get("property")
            if key:
                self.meta.append((key, a.get("content", "")))
        if tag == "script":
            src = a.get("src")
            if a.get("type") == "application/ld+json" and not src and self.in_head:
                self.script = []
            # The theme's scripts only (its search.js loads Pagefind's interface, from
            # pagefind/<shard>/, which build-site's Pagefind writes).
            elif not (src and re.fullmatch(r"(\.\./)*assets/[a-z]+\.js", src)):
                self.problems.append(f"script not from the theme: {a}")
        if tag in ("title", "h1") and tag not in self.texts:
            self.capture.append([tag, 0, []])
        for c in self.capture:
            if c[0] == tag:
                c[1] += 1

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            text = "".join(self.script)
            try:
                self.json_ld.append(json.loads(text))
            except ValueError as e:
                self.problems.append(f"JSON-LD does not parse ({e}): {text[:200]}")
            self.script = None
        for c in list(self.capture):
            if c[0] == tag:
                c[1] -= 1
                if c[1] == 0:
                    self.texts[tag] = "".join(c[2])
                    self.capture.remove(c)

    def handle_data(self, data):
        if self.script is not None:
            self.script.append(data)
        for c in self.capture:
            c[2].append(data)


def read_page(path):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    if not re.search(r"(^|;)\s*script-src 'self'\s*(;|$)", p.csp or ""):
        p.problems.append(f"no Content-Security-Policy with script-src 'self' in the head: {p.csp!r}")
    return p


def files(site, suffix):
    out = []
    for root, _, names in os.walk(site):
        out += [os.path.join(root, n) for n in names if n.endswith(suffix)]
    return sorted(out)


def local(tag):
    return tag.rsplit("}", 1)[-1]


for mode in ("site-safe", "site-raw"):
    site = os.path.join(work, mode)

    # Every HTML page.
    pages = files(site, ".html")
    check(f"{mode}: the site has the hostile articles' pages", all(
        os.path.exists(os.path.join(site, "articles", str(n), "index.html")) for n in numbers), pages[:5])
    bad = []
    for path in pages:
        bad += [f"{os.path.relpath(path, site)}: {p}" for p in read_page(path).problems]
    check(f"{mode}: no HTML page has a handler, foreign script, frame or dangerous URL ({len(pages)} pages)",
          not bad, *bad[:30])

    # The hostile article's head.
    page = read_page(os.path.join(site, "articles", str(N_FRONT), "index.html"))
    meta = {}
    for k, v in page.meta:
        meta.setdefault(k, []).append(v)
    check(f"{mode}: <title> holds the hostile title as text", FRONT["title"] in page.texts.get("title", ""),
          page.texts.get("title"))
    check(f"{mode}: h1 is the hostile title, as text", one_line(page.texts.get("h1", "")) == one_line(FRONT["title"]),
          page.texts.get("h1"))
    for key in ("citation_title", "DC.title", "og:title"):
        check(f"{mode}: meta {key} is the title and subtitle, whole", meta.get(key) == [FULL_TITLE], meta.get(key))
    names = [a["name"] for a in FRONT["authors"]]
    # An English page shows an author's name_latin where there is one.
    shown = [a.get("name_latin", a["name"]) for a in FRONT["authors"]]
    for key in ("citation_author", "DC.creator", "article:author"):
        check(f"{mode}: meta {key} are the authors' names as the page shows them, whole",
              meta.get(key) == shown, meta.get(key))
    affs = [f"{f['department']}, {f['name']}" if f.get("department") else f["name"]
            for a in FRONT["authors"] for f in a["affiliations"]]
    check(f"{mode}: meta citation_author_institution are the affiliations with their departments, whole",
          meta.get("citation_author_institution") == affs, meta.get("citation_author_institution"))
    email = FRONT["authors"][0]["email"]
    check(f"{mode}: the corresponding author's mailto: link is the address, whole",
          page.hrefs.count("mailto:" + email) == 2, [h for h in page.hrefs if h.startswith("mailto:")])
    for key in ("citation_keywords", "DC.subject", "article:tag"):
        check(f"{mode}: meta {key} are the keywords, whole", meta.get(key) == FRONT["keywords"], meta.get(key))
    check(f"{mode}: meta og:description is the abstract, whole",
          [one_line(x) for x in meta.get("og:description", [])] == [one_line(FRONT["abstract"])],
          meta.get("og:description"))
    ld = [x for x in page.json_ld if x.get("@type") == "ScholarlyArticle"]
    if check(f"{mode}: one schema.org JSON-LD block", len(ld) == 1, page.json_ld):
        ld = ld[0]
        check(f"{mode}: JSON-LD headline is the title", ld.get("headline") == FRONT["title"], ld.get("headline"))
        check(f"{mode}: JSON-LD authors and affiliations are whole",
              [a["name"] for a in ld["author"]] == names and
              [a.get("alternateName") for a in ld["author"]] ==
              [a.get("name_latin") for a in FRONT["authors"]] and
              [f"{o['department']['name']}, {o['name']}" if "department" in o else o["name"]
               for a in ld["author"] for o in a["affiliation"]] == affs, ld["author"])
        check(f"{mode}: JSON-LD keywords and abstract are whole",
              ld.get("keywords") == ", ".join(FRONT["keywords"]) and
              one_line(ld.get("abstract", "")) == one_line(FRONT["abstract"]), ld.get("keywords"))

    # Template syntax is text.
    page = read_page(os.path.join(site, "articles", str(N_TEMPLATE), "index.html"))
    check(f"{mode}: a title of Mustache tags is shown as written",
          one_line(page.texts.get("h1", "")) == one_line(TEMPLATE["title"]), page.texts.get("h1"))
    ld = [x for x in page.json_ld if x.get("@type") == "ScholarlyArticle"]
    check(f"{mode}: and so is it in the JSON-LD", ld and ld[0].get("headline") == TEMPLATE["title"], ld)

    # XML: feeds, OAI-PMH, sitemap, JATS.
    xml_bad = []
    for path in files(site, ".xml") + files(site, ".svg"):
        rel = os.path.relpath(path, site)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            xml_bad.append(f"{rel}: not well formed: {e}")
            continue
        for el in root.iter():
            if local(el.tag).lower() == "script":
                xml_bad.append(f"{rel}: a script element")
            for name, value in el.attrib.items():
                if local(name).lower().startswith("on"):
                    xml_bad.append(f"{rel}: attribute {name}")
                if local(name).lower() in ("href", "src", "uri") and \
                        re.match(r"^\s*(javascript|vbscript|data):", value, re.I):
                    xml_bad.append(f"{rel}: {name}={value!r}")
    check(f"{mode}: every XML file is well formed, without scripts, handlers or javascript: URLs",
          not xml_bad, *xml_bad[:20])
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(os.path.join(site, "feed.xml")).getroot()
    titles = [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]
    check(f"{mode}: the Atom feed gives back the hostile title", FULL_TITLE in titles, titles)
    oai = ET.parse(os.path.join(site, "oai", "static-repository.xml")).getroot()
    dc = "{http://purl.org/dc/elements/1.1/}"
    oai_titles = [e.text for e in oai.iter(f"{dc}title")]
    oai_creators = [e.text for e in oai.iter(f"{dc}creator")]
    # Dublin Core's creator is "Family, Given": the name turned around at one of its spaces.
    def creator_forms(name):
        return {name} | {name[i + 1:] + ", " + name[:i] for i, c in enumerate(name) if c == " "}
    # ... in the Latin form (name_latin) where the author has one, as Crossref and DOAJ.
    check(f"{mode}: OAI-PMH gives back the hostile title and authors",
          any(t in (FRONT["title"], FULL_TITLE) for t in oai_titles) and
          all(creator_forms(n) & set(oai_creators) for n in shown),
          oai_titles[:3], oai_creators[:3])
    jats = ET.parse(os.path.join(site, "articles", str(N_FRONT), "article.xml")).getroot()
    jt = [("".join(t.itertext())) for t in jats.iter("article-title")]
    check(f"{mode}: the JATS gives back the hostile title", FRONT["title"] in jt, jt)
    funding = FRONT["funding"]
    statements = ["".join(t.itertext()) for t in jats.iter("funding-statement")]
    award_ids = ["".join(t.itertext()) for t in jats.iter("award-id")]
    check(f"{mode}: the JATS gives back the hostile funding", statements == [funding["statement"]] and
          award_ids == [funding["awards"][0]["id"]], statements, award_ids)
    supplement = "data \"><img src=x onerror=alert('supp')> & {{site.title}}.csv"
    labels = [e.findtext("label") for e in jats.iter("supplementary-material")]
    hrefs = [e.get("{http://www.w3.org/1999/xlink}href") for e in jats.iter("supplementary-material")]
    check(f"{mode}: the JATS gives back the hostile supplementary file's name, its link percent-encoded",
          labels == [supplement] and hrefs == ["supplementary/" + urllib.parse.quote(supplement, safe="/-._~")],
          labels, hrefs)
    front_page = open(os.path.join(site, "articles", str(N_FRONT), "index.html"), encoding="utf-8").read()
    check(f"{mode}: the article page links the hostile supplementary file as text",
          supplement in html.unescape(front_page) and "onerror=alert('supp')>" not in front_page and
          os.path.exists(os.path.join(site, "articles", str(N_FRONT), "supplementary", supplement)),
          supplement)

    # Citations.
    d = os.path.join(site, "articles", str(N_FRONT))
    csl = json.load(open(os.path.join(d, "citation.json"), encoding="utf-8"))
    check(f"{mode}: CSL-JSON parses and gives back the title", csl[0]["title"] == FULL_TITLE, csl[0].get("title"))
    ris = open(os.path.join(d, "citation.ris"), encoding="utf-8").read().splitlines()
    odd = [line for line in ris if not re.match(r"^[A-Z][A-Z0-9]  - ", line)]
    check(f"{mode}: RIS is one tag per line, the title on its own", not odd and
          ris.count("TI  - " + FULL_TITLE) == 1 and sum(line.startswith("ER  - ") for line in ris) == 1, *odd[:5])
    bib = open(os.path.join(d, "citation.bib"), encoding="utf-8").read()
    m = re.match(r"@article\{[A-Za-z0-9]+,\n", bib)
    fields, pos, bib_bad = [], m.end() if m else 0, [] if m else ["no @article{key, line"]
    while m and pos < len(bib) and not bib_bad:
        f = re.compile(r"  ([a-z]+) = \{").match(bib, pos)
        if not f:
            if bib[pos:].strip() != "}":
                bib_bad.append(f"unexpected text: {bib[pos:pos + 80]!r}")
            break
        fields.append(f.group(1))
        depth, i = 1, f.end()
        while i < len(bib) and depth:
            if bib[i] == "\\":
                i += 2
                continue
            depth += {"{": 1, "}": -1}.get(bib[i], 0)
            i += 1
        if depth or not bib.startswith(",\n", i) and not bib.startswith("\n}", i):
            bib_bad.append(f"field {f.group(1)} does not end where it should: {bib[i:i + 60]!r}")
        pos = i + (2 if bib.startswith(",\n", i) else 1)
    known = {"author", "title", "journal", "year", "date", "volume", "number", "pages", "doi", "url", "issn",
             "publisher", "language", "keywords", "abstract", "month", "note"}
    check(f"{mode}: BibTeX is one entry, every field's braces balance, no field but the exporter's",
          not bib_bad and fields and set(fields) <= known and len(fields) == len(set(fields)),
          *bib_bad, fields)

# The safe site shows raw HTML as text; the raw one keeps allowed HTML only.
page = read_page(os.path.join(work, "site-safe", "articles", str(N_BODY), "index.html"))
safe_html = open(os.path.join(work, "site-safe", "articles", str(N_BODY), "index.html"), encoding="utf-8").read()
raw_html = open(os.path.join(work, "site-raw", "articles", str(N_BODY), "index.html"), encoding="utf-8").read()
check("site-safe: raw HTML in the body is escaped text",
      "&lt;script&gt;alert('block-script')&lt;/script&gt;" in safe_html and '<div onclick' not in safe_html)
check("site-raw: an allowed element keeps, without its handlers and style", "<div>overlay div</div>" in raw_html)
check("site-raw: a disallowed element is shown as text",
      "&lt;iframe src=\"javascript:alert('iframe')\"&gt;" in raw_html, re.findall(r".{0,40}iframe.{0,40}", raw_html)[:3])
check("site-raw: a link to https is kept, one to javascript: loses its href",
      '<a href="https://example.org/">safe link with handler</a>' in raw_html and "<a>raw a</a>" in raw_html)

print(f"{passes} passed, {failures} failed")
sys.exit(1 if failures else 0)
