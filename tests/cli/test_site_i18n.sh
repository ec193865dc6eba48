#!/usr/bin/env bash
# The site in the journal's languages (journal.yaml languages: [en, ru]): the
# interface strings come from themes/default/i18n/<lang>.yaml, the first
# language is at the top of the site and the others in a folder of their own,
# a Russian article is shown with Russian labels around it; the editorial
# board (journal.yaml) and the journal's Markdown pages (pages/*.md); "how to
# cite" in APA with a BibTeX download. Bad pages, board entries and strings
# are refused with file and line, and the previous site is left as it was.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site
PY=/usr/bin/python3

expect_exit 0 "build-site on the bilingual sample" -- "$JOURNAL" build-site

# ---- one tree per language ----

check "every page of the English site has its Russian twin under ru/, and no article is doubled" -- \
    "$PY" - "$S" <<'PY'
import os, sys
root = sys.argv[1]
pages = set()
for d, _, files in os.walk(root):
    for f in files:
        if f.endswith(".html"):
            pages.add(os.path.relpath(os.path.join(d, f), root))
en = {p for p in pages if not p.startswith("ru/") and not p.startswith("articles/")}
ru = {p[3:] for p in pages if p.startswith("ru/")}
assert en == ru, (sorted(en ^ ru))
for must in ("index.html", "archive/index.html", "board/index.html",
             "author-guidelines/index.html", "issues/1/index.html"):
    assert must in en, must
assert not any(p.startswith("ru/articles/") for p in pages)
PY

lang_of() { "$PY" -c 'import re,sys; print(re.search(r"<html lang=\"([^\"]+)\"", open(sys.argv[1], encoding="utf-8").read()).group(1))' "$1"; }
check_eq "the English home is lang=en" en "$(lang_of "$S/index.html")"
check_eq "the Russian home is lang=ru" ru "$(lang_of "$S/ru/index.html")"
check_eq "the Russian archive is lang=ru" ru "$(lang_of "$S/ru/archive/index.html")"

RU_ARTICLE=$(grep -l '^lang: ru' submissions/*/manuscript.md | head -1 | cut -d/ -f2)
EN_ARTICLE=1
check "the sample has a published Russian article" -- test -n "$RU_ARTICLE" -a -f "$S/articles/$RU_ARTICLE/index.html"
check_eq "the Russian article's page is lang=ru" ru "$(lang_of "$S/articles/$RU_ARTICLE/index.html")"
check_eq "an English article's page is lang=en" en "$(lang_of "$S/articles/$EN_ARTICLE/index.html")"

check "the Russian article has Russian labels around it, and no English ones" -- \
    "$PY" - "$S/articles/$RU_ARTICLE/index.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
for label in (">Аннотация<", ">Ключевые слова<", ">Сведения о статье<", ">Как цитировать<",
              ">Поступила<", ">Принята<", ">Опубликовано<", "Главная", "Открытый доступ",
              "Скачать ссылку (BibTeX)"):
    assert label in page, label
# Its English translation (title, abstract, keywords) is headed in English: the rest is not.
page = re.sub(r'<section class="abstract translation" lang="en".*?</section>', "", page, flags=re.S)
for label in (">Abstract<", ">Keywords<", ">Article information<", ">How to cite<",
              ">Received<", "Skip to main content", ">Home<"):
    assert label not in page, label
# Dates in Russian, with the genitive month.
assert re.search(r">\d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) \d{4} г\.<", page)
# Its countries are named in Russian.
assert "Узбекистан" in page, "country names in Russian"
PY

check "an English article keeps English labels" -- "$PY" - "$S/articles/$EN_ARTICLE/index.html" <<'PY'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
for label in (">Abstract<", ">How to cite<", ">Article information<", "Download citation (BibTeX)"):
    assert label in page, label
assert "Аннотация" not in page
PY

check "authors are joined with 'и' for a Russian article and 'and' for an English one, on both sites" -- \
    "$PY" - "$S" "$RU_ARTICLE" <<'PY'
import re, sys, html
root, ru = sys.argv[1], sys.argv[2]
for page in ("issues/1/index.html", "ru/issues/1/index.html"):
    text = open(f"{root}/{page}", encoding="utf-8").read()
    lines = re.findall(r'<a href="[./]*articles/(\d+)/index.html" lang="(\w+)">.*?</a></h[34]>\s*<p class="toc-authors" lang="\w+">(.*?)</p>', text, re.S)
    assert lines, page
    for number, lang, authors in lines:
        authors = html.unescape(authors)
        if number == ru:
            assert " и " in authors and " and " not in authors, (page, authors)
        elif authors.count(",") + 1 >= 2 and (" and " in authors or " и " in authors):
            assert " and " in authors, (page, authors)
PY

check "issue labels and dates follow the page's language" -- "$PY" - "$S" <<'PY'
import sys
root = sys.argv[1]
en = open(f"{root}/issues/1/index.html", encoding="utf-8").read()
ru = open(f"{root}/ru/issues/1/index.html", encoding="utf-8").read()
assert "Vol. 1, No. 1 (2025)" in en and "Т. 1, № 1 (2025)" in ru
assert ">Contents<" in en and ">Содержание<" in ru
assert "2025 г.</time>" in ru and " г.</time>" not in en
PY

check "the language switcher links each page to its twin, marking the current language" -- \
    "$PY" - "$S" <<'PY'
import re, sys
root = sys.argv[1]
en = open(f"{root}/archive/index.html", encoding="utf-8").read()
ru = open(f"{root}/ru/archive/index.html", encoding="utf-8").read()
assert '<a href="../ru/archive/index.html" hreflang="ru" lang="ru">Русский</a>' in en, en[:3000]
assert '<a href="../archive/index.html" hreflang="en" lang="en" aria-current="true">English</a>' in en
assert '<a href="../../archive/index.html" hreflang="en" lang="en">English</a>' in ru
assert '<link rel="alternate" hreflang="ru" href="https://jcsrp.org/ru/archive/index.html">' in en
assert '<link rel="canonical" href="https://jcsrp.org/ru/archive/index.html">' in ru
PY

check "the Russian site shows the journal's Russian title and texts from journal.yaml" -- \
    "$PY" - "$S" <<'PY'
import sys
root = sys.argv[1]
ru = open(f"{root}/ru/index.html", encoding="utf-8").read()
en = open(f"{root}/index.html", encoding="utf-8").read()
assert "Журнал реформы и практики государственной службы" in ru
assert ">Цели и тематика<" in ru and ">Приём статей<" in ru and "31 марта 2027" in ru
assert ">Aims and scope<" in en and ">Call for papers<" in en and "31 March 2027" in en
assert 'id="aims"' in en and 'id="call"' in en
PY

# ---- editorial board ----

check "the editorial board lists every member of journal.yaml, grouped by role in order" -- \
    "$PY" - "$S" <<'PY'
import re, sys, yaml
root = sys.argv[1]
board = yaml.safe_load(open("journal.yaml", encoding="utf-8"))["editorial_board"]
for lang, site in (("en", f"{root}/board/index.html"), ("ru", f"{root}/ru/board/index.html")):
    page = open(site, encoding="utf-8").read()
    roles = re.findall(r'<h2 class="section-title">(.*?)</h2>', page)
    expected = []
    for m in board:
        role = m["role"][lang] if isinstance(m["role"], dict) else m["role"]
        if role not in expected:
            expected.append(role)
    assert roles == expected, (roles, expected)
    names = re.findall(r'<p class="board-name">([^<]+)', page)
    assert [n.strip() for n in names] == [m["name"] for m in board], names
    for m in board:
        if "orcid" in m:
            assert f'href="https://orcid.org/{m["orcid"]}"' in page, m["orcid"]
assert "Казахстан" in open(f"{root}/ru/board/index.html", encoding="utf-8").read()
assert "Kazakhstan" in open(f"{root}/board/index.html", encoding="utf-8").read()
PY

# ---- the journal's own pages ----

check "pages/author-guidelines.md is a page in each language, in the menu, with its table" -- \
    "$PY" - "$S" <<'PY'
import sys
root = sys.argv[1]
en = open(f"{root}/author-guidelines/index.html", encoding="utf-8").read()
ru = open(f"{root}/ru/author-guidelines/index.html", encoding="utf-8").read()
assert "<h1 class=\"page-title\">Author guidelines</h1>" in en
assert "<h1 class=\"page-title\">Требования к авторам</h1>" in ru
assert "<table>" in en and "<table>" in ru
assert 'href="author-guidelines/index.html"' in open(f"{root}/index.html", encoding="utf-8").read()
assert 'href="../author-guidelines/index.html" aria-current="page">Author guidelines</a>' in en
assert 'aria-current="page">Требования к авторам</a>' in ru
PY

# ---- how to cite ----

check "the article page cites in APA and offers its BibTeX file" -- \
    "$PY" - "$S" <<'PY'
import re, sys
root = sys.argv[1]
page = open(f"{root}/articles/1/index.html", encoding="utf-8").read()
cite = re.search(r'<p class="citation" lang="en">(.*?)</p>', page, re.S).group(1)
assert "(2025)." in cite and "<i>Journal of Civil Service Reform and Practice</i>, <i>1</i>(1)" in cite, cite
assert 'href="../../articles/1/citation.bib"' in page
bib = open(f"{root}/articles/1/citation.bib", encoding="utf-8").read()
assert re.match(r"@article\{[a-z]+2025jcsrp1,\n", bib), bib
for field in ("author = {", "title = {{", "journal = {Journal of Civil Service Reform and Practice}",
              "year = {2025}", "volume = {1}", "number = {1}", "issn = {3051-7729}"):
    assert field in bib, (field, bib)
PY

# ---- bad input: file and line, exit 1, the previous site untouched ----

cp -R "$S" "$TEST_TMP/site-before"
same_site() { diff -r "$TEST_TMP/site-before" "$S" >/dev/null; }

edit_and_commit() { tgit add -A && tgit commit -qm "$1"; }

printf -- '---\ndescription: no title\n---\n\nText.\n' >pages/contact.md
edit_and_commit "page without a title"
expect_exit 1 "a page without a title is refused" -- "$JOURNAL" build-site
expect_stderr_match "pages/contact\.md:2:1: expected the page's title" "the message names pages/contact.md and its line"
check "the previous site is left as it was" -- same_site

printf -- '---\ntitle: Contact\nnav: maybe\n---\n\nText.\n' >pages/contact.md
edit_and_commit "page with a bad nav flag"
expect_exit 1 "nav: maybe is refused" -- "$JOURNAL" build-site
expect_stderr_match "pages/contact\.md:3:6: nav must be true or false" "the message points at line 3"

printf -- 'No front matter here.\n' >pages/contact.md
edit_and_commit "page without front matter"
expect_exit 1 "a page without front matter is refused" -- "$JOURNAL" build-site
expect_stderr_match "pages/contact\.md:1:1: expected YAML front matter" "the message says what a page starts with"
tgit rm -q pages/contact.md && tgit commit -qm "no contact page"

printf -- '---\ntitle: Archive\n---\n' >pages/archive.md
edit_and_commit "a page named like a built-in one"
expect_exit 1 "pages/archive.md is refused (the site makes archive/ itself)" -- "$JOURNAL" build-site
expect_stderr_match "pages/archive\.md: 'archive' cannot be a page's name" "the message says why"
tgit rm -q pages/archive.md && tgit commit -qm "no archive page"

printf -- '---\ntitle: Kontakt\n---\n' >pages/contact.de.md
edit_and_commit "a page in a language the site does not have"
expect_exit 1 "pages/contact.de.md is refused" -- "$JOURNAL" build-site
expect_stderr_match "pages/contact\.de\.md: 'de' is not one of the site's other languages" "the message names the language"
tgit rm -q pages/contact.de.md && tgit commit -qm "no German page"

printf -- '---\ntitle: Контакты\n---\n' >pages/contact.ru.md
edit_and_commit "a translation without its original"
expect_exit 1 "a translation without the original page is refused" -- "$JOURNAL" build-site
expect_stderr_match "pages/contact\.ru\.md translates pages/contact\.md, which is missing" "the message names both files"
tgit rm -q pages/contact.ru.md && tgit commit -qm "no contact translation"
check "after the refusals the previous site is still there, unchanged" -- same_site

cp journal.yaml "$TEST_TMP/journal.yaml.good"
"$PY" - <<'PY'
import re
text = open("journal.yaml", encoding="utf-8").read()
text = text.replace('  - name: "Giorgi Beridze"\n', '  - nme: "Giorgi Beridze"\n', 1)
open("journal.yaml", "w", encoding="utf-8").write(text)
PY
LINE=$(grep -n 'nme: "Giorgi Beridze"' journal.yaml | cut -d: -f1)
edit_and_commit "a board member without a name"
snapshot "$J" >"$TEST_TMP/before"
expect_exit 1 "a board member without a name is refused" -- "$JOURNAL" build-site
expect_stderr_match "journal\.yaml:$LINE:5: unknown field 'nme' in a board member" "the unknown field is named with its line"
expect_stderr_match "journal\.yaml:$LINE:5: a board member needs a name" "the missing name is reported at the member"
expect_unchanged "$TEST_TMP/before" "$J" "the refused build changes nothing in the repository"

cp "$TEST_TMP/journal.yaml.good" journal.yaml
sed -i 's/^    country: Georgia$/    country: Gondor/' journal.yaml
LINE=$(grep -n 'name: "Giorgi Beridze"' journal.yaml | cut -d: -f1)
edit_and_commit "a board member from an unknown country"
expect_exit 1 "a board member's unknown country is refused" -- "$JOURNAL" build-site
expect_stderr_match "journal\.yaml:$LINE:.*'Gondor' is not a country" "the message names the member's line and the country"

cp "$TEST_TMP/journal.yaml.good" journal.yaml
sed -i 's/^  en: "Journal of Civil Service Reform and Practice"$/  xx: "Journal of Civil Service Reform and Practice"/' journal.yaml
edit_and_commit "a title in an unknown language"
expect_exit 1 "a title given for an unknown language code is refused" -- "$JOURNAL" build-site
expect_stderr_match "journal\.yaml:2:3: 'title': expected a language code" "the message points at the code"

cp "$TEST_TMP/journal.yaml.good" journal.yaml
sed -i 's/^languages: \[en, ru\]$/languages: [en, ru, kk]/' journal.yaml
edit_and_commit "a site language without interface strings"
expect_exit 1 "a site language the theme has no strings for is refused" -- "$JOURNAL" build-site
expect_stderr_match "themes/default/i18n/kk\.yaml: missing: journal\.yaml lists 'kk'" "the message names the missing file"

cp "$TEST_TMP/journal.yaml.good" journal.yaml
printf 'nav_home: [Главная\n' >>themes/default/i18n/ru.yaml
edit_and_commit "broken interface strings"
expect_exit 1 "broken interface strings are refused" -- "$JOURNAL" build-site
expect_stderr_match "themes/default/i18n/ru\.yaml:[0-9]+:[0-9]+: " "the message names the strings file and its line"
check "after every refusal the previous site is still there, unchanged" -- same_site

# ---- what the journal itself writes, per language ----
# The publisher, the board's affiliations and the issue titles are given in English and
# Russian in the sample; a special edition gets its Russian title with --special-ru and its
# guest editor's affiliation per language in the manifest. Each site shows its own language,
# falling back to the main language's text where a translation is missing.
J2=$TEST_TMP/texts
sample_journal "$J2" || finish
cd "$J2" || finish
echo "Sound." >"$TEST_TMP/c.md"
"$JOURNAL" assign 10 --reviewer armen-hovhannisyan --override-conflict "tested" >/dev/null &&
    "$JOURNAL" review 10 --verdict accept --comments "$TEST_TMP/c.md" --as armen-hovhannisyan >/dev/null &&
    "$JOURNAL" decide 10 accept >/dev/null || fail "accept submission 10"
expect_exit 2 "--special-ru without a special edition is refused" -- \
    "$JOURNAL" build-issue 3 --add 10 --special-ru "Реформа"
expect_stderr_match "--special-ru: the issue is not a special edition; give --special" "... saying what is missing"
expect_exit 2 "--title-de for a language the journal does not publish is refused" -- \
    "$JOURNAL" build-issue 3 --add 10 --title-de "Heft"
expect_stderr_match "--title-de: the journal does not publish in de \(journal.yaml languages: \[en, ru\]\)" \
    "... naming the journal's languages"
expect_exit 0 "build-issue with a special edition's title in Russian" -- \
    "$JOURNAL" build-issue 3 --add 10 --special "Public administration reform in China" \
    --special-ru "Реформа государственного управления в Китае" \
    --guest-editor "Li Wei, Tsinghua University" --title "Reform in China" --json
check "build-issue --json gives the special edition's title per language, the main one as special" -- "$PY" -c '
import json, sys
o = json.load(open(sys.argv[1], encoding="utf-8"))
assert o["special"] == "Public administration reform in China", o
assert o["specials"] == {"en": "Public administration reform in China",
                         "ru": "Реформа государственного управления в Китае"}, o
assert o["title"] == "Reform in China" and "titles" not in o, o' "$OUT"
check "the manifest holds the special edition's title per language" -- "$PY" -c '
import yaml, sys
m = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
assert m["special"] == {"en": "Public administration reform in China",
                        "ru": "Реформа государственного управления в Китае"}, m["special"]
assert m["title"] == "Reform in China", m["title"]' issues/3.yaml
sed -i 's/^  affiliation: Tsinghua University$/  affiliation: {en: Tsinghua University, ru: Университет Цинхуа}/' issues/3.yaml
tgit commit -qam "The guest editor's affiliation in Russian"
expect_exit 0 "build-site with texts per language" -- "$JOURNAL" build-site
S2=$J2/_site
check "the Russian archive shows the Russian issue titles, the special edition's and the guest editor's affiliation in Russian" -- \
    "$PY" - "$S2/ru/archive/index.html" "$S2/ru/issues/3/index.html" <<'PY'
import sys
archive = open(sys.argv[1], encoding="utf-8").read()
for text in ("Заслуги, результативность и добросовестность на государственной службе",
             "Цифровое государство и ценности государственной службы",
             "Специальный выпуск</span> Реформа государственного управления в Китае"):
    assert text in archive, text
for text in ("Merit, Performance and Integrity", "Digital Government and Public-Service Values",
             "Public administration reform in China"):
    assert text not in archive, text
issue = open(sys.argv[2], encoding="utf-8").read()
assert "Университет Цинхуа" in issue and "Tsinghua University" not in issue
assert "Реформа государственного управления в Китае" in issue
assert "Public administration reform in China" not in issue
# No Russian title for issue 3: the main language's, not nothing.
assert "Reform in China" in issue
PY
check "the English archive keeps the English texts" -- \
    "$PY" - "$S2/archive/index.html" "$S2/issues/3/index.html" <<'PY'
import sys
archive = open(sys.argv[1], encoding="utf-8").read()
for text in ("Merit, Performance and Integrity in the Civil Service",
             "Special edition</span> Public administration reform in China"):
    assert text in archive, text
assert "Заслуги" not in archive and "Реформа государственного" not in archive
issue = open(sys.argv[2], encoding="utf-8").read()
assert "Tsinghua University" in issue and "Цинхуа" not in issue
PY
check "the Russian pages name the publisher in Russian, the English ones in English" -- \
    "$PY" - "$S2" <<'PY'
import sys
site = sys.argv[1]
ru = open(site + "/ru/index.html", encoding="utf-8").read()
en = open(site + "/index.html", encoding="utf-8").read()
foot = lambda page: page[page.rindex("<footer"):]
assert "Региональный хаб сотрудничества в сфере государственной службы" in foot(ru)
assert "Regional Civil Service Cooperation Hub" not in foot(ru)
assert "Regional Civil Service Cooperation Hub" in foot(en)
PY
check "the Russian board page gives the members' affiliations in Russian" -- \
    "$PY" - "$S2" <<'PY'
import sys
ru = open(sys.argv[1] + "/ru/board/index.html", encoding="utf-8").read()
en = open(sys.argv[1] + "/board/index.html", encoding="utf-8").read()
assert "Тбилисский государственный университет имени Иванэ Джавахишвили" in ru
assert "Ivane Javakhishvili Tbilisi State University" not in ru
assert "Ivane Javakhishvili Tbilisi State University" in en
assert "Тбилисский" not in en
PY
expect_exit 0 "the Crossref deposit of the special edition (dry run)" -- \
    "$JOURNAL" deposit 3 --dry-run -o "$TEST_TMP/deposit3.xml"
check "... carries the issue's title in the main language" -- \
    grep -q "<title>Reform in China</title>" "$TEST_TMP/deposit3.xml"
expect_exit 0 "the DOAJ export of the special edition" -- "$JOURNAL" export doaj 3 -o "$TEST_TMP/doaj3.xml"
check "... names the publisher in the main language" -- \
    grep -q "<publisher>Regional Civil Service Cooperation Hub</publisher>" "$TEST_TMP/doaj3.xml"

# Bad input: a language the journal does not publish, with the file and line; nothing changes.
rm -rf "$TEST_TMP/site2-before" && cp -R "$S2" "$TEST_TMP/site2-before"
sed -i 's/^  ru: "Заслуги, результативность и добросовестность на государственной службе"$/  de: "Leistung"/' issues/1.yaml
LINE=$(grep -n '^  de: ' issues/1.yaml | cut -d: -f1)
tgit commit -qam "An issue title in a language the journal does not publish"
expect_exit 1 "build-site refuses an issue title in a language the journal does not publish" -- \
    "$JOURNAL" build-site
expect_stderr_match "issues/1\.yaml:$LINE:3: 'title' in de: the journal does not publish in de" \
    "the message names the manifest, the line and the language"
check "the previous site is left as it was" -- diff -r "$TEST_TMP/site2-before" "$S2"

finish
