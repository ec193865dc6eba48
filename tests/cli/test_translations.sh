#!/usr/bin/env bash
# A manuscript's translations (front matter translations: {en: {title, subtitle, abstract,
# keywords}}) and journal.yaml's require_translations: a Russian manuscript with its English
# title, abstract and keywords is received; one into a language the journal does not publish,
# into its own language, without a title, or missing what require_translations asks is
# refused with file and line, and nothing is written; revise and build-issue (a manuscript
# accepted before require_translations) refuse the same.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
MS=$TEST_TMP/ms
new_journal "$J" "Translations Test Journal" || finish
sed -i 's/^languages: .*/languages: [en, ru]\nrequire_translations: [en]/' "$J/journal.yaml"
tgit -C "$J" commit -q -am "Publish in English and Russian, with English translations" ||
    fail "commit journal.yaml"
mkdir -p "$MS"
cd "$MS" || exit 1

# paper TRANSLATIONS: a Russian manuscript whose front matter ends with TRANSLATIONS.
paper() {
    cat <<EOF
---
title: "Реформа государственной службы"
lang: ru
abstract: "Мы изучаем реформу."
keywords: [реформа, госслужба]
authors:
  - name: Иван Петров
    email: i.petrov@example.org
    affiliations:
      - name: Академия управления
        country: KZ
$1
---

Текст.
EOF
}

paper 'translations:
  en:
    title: "Civil service reform"
    abstract: "We study the reform."
    keywords: [reform, civil service]' >good.md
expect_exit 0 "submit a Russian manuscript with its English translation" -- \
    "$JOURNAL" -C "$J" submit good.md
expect_exit 0 "show --json 1" -- "$JOURNAL" -C "$J" show 1
expect_stdout_match "Реформа государственной службы" "show 1: the Russian title"

# ---- refusals: file and line, nothing written ----

refused() {
    local desc=$1 pattern=$2 file=$3
    local before=$TEST_TMP/.before
    snapshot "$J" >"$before"
    expect_exit 1 "$desc: submit exits 1" -- "$JOURNAL" -C "$J" submit "$file"
    expect_stderr_match "$pattern" "$desc: says where and what"
    expect_unchanged "$before" "$J" "$desc: nothing written"
}

paper '' >missing.md
refused "no English translation under require_translations: [en]" \
    "missing\.md:1:1: front matter: the journal requires an English translation" missing.md

paper 'translations:
  en:
    title: "Civil service reform"' >title-only.md
refused "an English title without abstract and keywords" \
    "title-only\.md:13:1: translations: en: missing 'abstract'" title-only.md
expect_stderr_match "title-only\.md:13:1: translations: en: missing 'keywords'" \
    "an English title without keywords: the keywords are asked for too"

paper 'translations:
  en:
    abstract: "We study the reform."
    keywords: [reform]' >no-title.md
refused "a translation without a title" "no-title\.md:13:3: translations: en: missing required field 'title'" \
    no-title.md

paper 'translations:
  en: {title: Reform, abstract: A, keywords: [k]}
  de: {title: Reform}' >german.md
refused "a translation into a language the journal does not publish" \
    "german\.md:14:3: translations: the journal does not publish in German \(de\)" german.md

paper 'translations:
  en: {title: Reform, abstract: A, keywords: [k]}
  ru: {title: Реформа}' >own.md
refused "a translation into the manuscript's own language" \
    "own\.md:14:3: translations: 'ru' is the manuscript's own language" own.md

paper 'translations:
  en: {title: Reform, abstarct: A, keywords: [k]}' >typo.md
refused "an unknown field in a translation" \
    "typo\.md:13:.*unknown field 'abstarct' in a translation; did you mean abstract\?" typo.md

# import (the back catalogue) checks the same, with the article's file and line.
mkdir -p past
cp missing.md past/article.md
printf '%s\n' "volume: 1" "number: 1" "year: 2024" "date: 2024-06-30" "articles:" \
    '  - {file: article.md, doi: 10.12345/tt.2024.1.1.1, pages: "1-14"}' >past/issue.yaml
before=$TEST_TMP/.before
snapshot "$J" >"$before"
expect_exit 1 "import refuses an article without the required English translation" -- \
    "$JOURNAL" -C "$J" import past
expect_stderr_match "article\.md:1:1: front matter: the journal requires an English translation" \
    "import says which file and line"
expect_unchanged "$before" "$J" "import refused: nothing written"

# An English manuscript needs no English translation.
sed -e 's/^lang: ru/lang: en/' -e '/^\$/d' missing.md >english.md
expect_exit 0 "an English manuscript is received without translations" -- \
    "$JOURNAL" -C "$J" submit english.md

# require_translations names a language the journal does not publish: journal.yaml's error.
sed -i 's/^require_translations: .*/require_translations: [de]/' "$J/journal.yaml"
tgit -C "$J" commit -q -am "Require German" || fail "commit journal.yaml"
expect_exit 1 "require_translations: [de] in an en/ru journal is refused" -- \
    "$JOURNAL" -C "$J" submit good.md
expect_stderr_match "journal\.yaml:[0-9]+:[0-9]+: require_translations: 'de' is not one of the journal's languages" \
    "require_translations: says journal.yaml's line and why"

# ---- the sample journal: its Russian article 2 carries an English translation ----

S=$TEST_TMP/sample
sample_journal "$S" || finish
cd "$S" || exit 1
PY=/usr/bin/python3
expect_exit 0 "build-site on the sample" -- "$JOURNAL" build-site

check "the Russian article shows its English title, abstract and keywords under an English heading" -- \
    "$PY" - "$S/_site/articles/2/index.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<section class="abstract translation" lang="en"[^>]*>(.*?)</section>', page, re.S)
assert m, "no English section"
sec = m.group(1)
assert re.search(r'<h2 [^>]*lang="en">In English</h2>', sec), sec
assert "Performance appraisal of civil servants: the experience of Uzbekistan and Kyrgyzstan" in sec
assert re.search(r'<h3 [^>]*lang="en">Abstract</h3>', sec), sec
assert "In recent years Uzbekistan and Kyrgyzstan have moved" in sec
assert re.search(r'<h3 [^>]*lang="en">Keywords</h3>', sec) and "<li>performance appraisal</li>" in sec
# The page itself stays Russian: its own title and abstract first, in Russian.
assert '<h1 class="article-title">Оценка результативности' in page
assert page.index(">Аннотация<") < page.index("In English")
PY

check "the listings of the English site show the English title with lang=en, the Russian site the Russian one" -- \
    "$PY" - "$S/_site" <<'PY'
import re, sys
root = sys.argv[1]
EN = "Performance appraisal of civil servants: the experience of Uzbekistan and Kyrgyzstan"
RU = "Оценка результативности государственных служащих: опыт Узбекистана и Кыргызстана"
def links(path):
    text = open(f"{root}/{path}", encoding="utf-8").read()
    return re.findall(r'<a href="[./]*articles/2/index.html" lang="(\w+)">([^<]*)</a>', text)
for path in ("issues/1/index.html", "keywords/index.html", "authors/index.html"):
    got = links(path)
    assert got and all(l == ("en", EN) for l in got), (path, got)
for path in ("ru/issues/1/index.html", "ru/keywords/index.html", "ru/authors/index.html"):
    got = links(path)
    assert got and all(l == ("ru", RU) for l in got), (path, got)
# The names stay in the language of the article, whatever the title.
text = open(f"{root}/issues/1/index.html", encoding="utf-8").read()
assert re.search(r'lang="en">' + re.escape(EN) + r'</a></h4>\s*<p class="toc-authors" lang="ru">', text)
PY

check "the English site's keyword index has the Russian article's English keywords (lang=en), the Russian one only its own" -- \
    "$PY" - "$S/_site" <<'PY'
import re, sys
def entries(path):
    text = open(f"{sys.argv[1]}/{path}", encoding="utf-8").read()
    out = {}
    for m in re.finditer(r'<p class="index-term" lang="(\w+)">([^<]*)</p>\s*<ul class="index-articles">(.*?)</ul>', text, re.S):
        out[m.group(2)] = (m.group(1), re.findall(r'href="[./]*articles/(\d+)/index.html"', m.group(3)))
    return out
en, ru = entries("keywords/index.html"), entries("ru/keywords/index.html")
assert en.get("performance appraisal") == ("en", ["2"]), en.get("performance appraisal")
assert en.get("KPIs") == ("en", ["2"]), en.get("KPIs")
# An English keyword that an English article also has is one entry listing both.
assert "2" in en["civil service"][1] and len(en["civil service"][1]) > 1, en["civil service"]
# The Russian article's own keywords stay in every index; its English ones are not Russian entries.
assert ru.get("оценка результативности") == ("ru", ["2"]) and "оценка результативности" in en
assert "performance appraisal" not in ru and "KPIs" not in ru, sorted(ru)
PY

check "search: the articles' filter values are codes, and each search page names them in its own language" -- \
    "$PY" - "$S/_site" <<'PY'
import re, sys
root = sys.argv[1]
page = open(f"{root}/articles/2/index.html", encoding="utf-8").read()
assert '<data data-pagefind-filter="type[value]" value="research-article">' in page
assert '<data data-pagefind-filter="language[value]" value="ru">' in page
def values(path):
    text = open(f"{root}/{path}", encoding="utf-8").read()
    return dict(((f, v), l) for f, v, l in re.findall(r'<li data-filter="(\w+)" data-value="([\w-]+)">([^<]*)</li>', text))
ru, en = values("ru/search/index.html"), values("search/index.html")
assert ru[("type", "research-article")] == "Научная статья" and ru[("language", "en")] == "Английский", ru
assert ru[("language", "ru")] == "Русский", ru
assert en[("type", "research-article")] == "Research article" and en[("language", "ru")] == "Russian", en
PY

check "the APA reference gives the English title in square brackets" -- \
    grep -q "опыт Узбекистана и Кыргызстана \[Performance appraisal of civil servants: the experience of Uzbekistan and Kyrgyzstan\]\. <i>" \
    "$S/_site/articles/2/index.html"

expect_exit 0 "export doaj 1 writes the sample's first issue" -- "$JOURNAL" export doaj 1 -o "$TEST_TMP/doaj.xml"
check "the DOAJ export validates against doajArticles.xsd" -- \
    xmllint --nonet --noout --schema "$SPECS_DIR/doaj/doajArticles.xsd" "$TEST_TMP/doaj.xml"
check "the DOAJ record of article 2 has its title, abstract and keywords in Russian and English" -- \
    "$PY" - "$TEST_TMP/doaj.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
for r in ET.parse(sys.argv[1]).getroot().findall("record"):
    if r.findtext("publisherRecordId") == "2":
        break
else:
    raise AssertionError("no record 2")
assert [t.get("language") for t in r.findall("title")] == ["rus", "eng"]
assert r.findall("title")[1].text.startswith("Performance appraisal of civil servants")
assert [t.get("language") for t in r.findall("abstract")] == ["rus", "eng"]
assert [t.get("language") for t in r.findall("keywords")] == ["rus", "eng"]
assert r.find("keywords[@language='eng']/keyword").text == "performance appraisal"
PY
check "the OAI static repository gives dc:title, dc:description and dc:subject with xml:lang=en" -- \
    "$PY" - "$S/_site/oai/static-repository.xml" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
for needle in ('<dc:title xml:lang="en">Performance appraisal of civil servants',
               '<dc:description xml:lang="en">In recent years Uzbekistan',
               '<dc:subject xml:lang="en">performance appraisal</dc:subject>',
               '<dc:title xml:lang="ru">Оценка результативности'):
    assert needle in text, needle
PY
check "the English feed gives the Russian article's English title and abstract (xml:lang=en), the Russian feed its own" -- \
    "$PY" - "$S/_site" <<'PY'
import sys
import xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
XL = "{http://www.w3.org/XML/1998/namespace}lang"
def entry(path):
    for e in ET.parse(f"{sys.argv[1]}/{path}").getroot().findall(A + "entry"):
        if e.find(A + "link").get("href").endswith("/articles/2/index.html"):
            return e
    raise AssertionError(f"no article 2 in {path}")
en, ru = entry("feed.xml"), entry("ru/feed.xml")
assert en.get(XL) == "ru" and ru.get(XL) == "ru"
t = en.find(A + "title")
assert t.text == "Performance appraisal of civil servants: the experience of Uzbekistan and Kyrgyzstan", t.text
assert t.get(XL) == "en"
assert en.find(A + "summary").get(XL) == "en"
assert en.find(A + "summary").text.startswith("In recent years Uzbekistan and Kyrgyzstan")
t = ru.find(A + "title")
assert t.text.startswith("Оценка результативности") and t.get(XL) is None, (t.text, t.attrib)
assert ru.find(A + "summary").get(XL) is None
PY
check_site_valid "$S/_site" "the sample site with a translation"

# ---- revise and build-issue check require_translations too ----
# Two Russian manuscripts go through a round before journal.yaml asks for English
# translations: 12 (with one) is sent back for revision, 13 (without) is accepted.
expect_exit 0 "the sample receives a Russian manuscript with its English translation (12)" -- \
    "$JOURNAL" -C "$S" submit "$MS/good.md"
expect_exit 0 "and one without, before require_translations (13)" -- \
    "$JOURNAL" -C "$S" submit "$MS/missing.md"
echo "Sound." >"$TEST_TMP/comments.md"
for n in 12 13; do
    expect_exit 0 "assign a reviewer to $n" -- "$JOURNAL" -C "$S" assign "$n" --reviewer giorgi-maisuradze
    expect_exit 0 "the review of $n" -- "$JOURNAL" -C "$S" review "$n" --verdict accept \
        --comments "$TEST_TMP/comments.md" --as giorgi-maisuradze
done
expect_exit 0 "decide 12 revise" -- "$JOURNAL" -C "$S" decide 12 revise
expect_exit 0 "decide 13 accept" -- "$JOURNAL" -C "$S" decide 13 accept
sed -i 's/^languages: .*/languages: [en, ru]\nrequire_translations: [en]/' "$S/journal.yaml"
tgit -C "$S" commit -q -am "Require English translations" || fail "commit journal.yaml"

snapshot "$S" >"$TEST_TMP/.before"
expect_exit 1 "revise refuses a revised Russian manuscript that drops its English translation" -- \
    "$JOURNAL" -C "$S" revise 12 "$MS/missing.md"
expect_stderr_match "missing\.md:1:1: front matter: the journal requires an English translation" \
    "revise says which file and line"
expect_unchanged "$TEST_TMP/.before" "$S" "revise refused: nothing committed"

expect_exit 1 "build-issue refuses a Russian manuscript accepted before require_translations" -- \
    "$JOURNAL" -C "$S" build-issue 3
expect_stderr_match "submission 13 cannot be published until submissions/13/manuscript\.md is corrected and committed: submissions/13/manuscript\.md:1:1: front matter: the journal requires an English translation" \
    "build-issue names the submission, its file and line"
expect_unchanged "$TEST_TMP/.before" "$S" "build-issue refused: nothing committed"

expect_exit 0 "revise with the English translation kept is received" -- \
    "$JOURNAL" -C "$S" revise 12 "$MS/good.md"

finish
