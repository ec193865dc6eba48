#!/usr/bin/env bash
# Names in two scripts and in family-first order: submit warns (file:line) about a one-string
# name of an author affiliated where the family name comes first and refuses a family_first
# that is not a boolean (nothing written); a Korean author with family_first goes to Crossref
# with surname Kim, to the citations as "Kim, M.-j." and to the author index under K; the
# Russian site shows names in Cyrillic, the English site and the downloads in Latin
# (name_latin), the editorial board too; JATS gives both forms (name-alternatives) and OAI's
# dc:creator the Latin one.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
unset JOURNAL_CROSSREF_SCHEMA_DIR
XSD=$CROSSREF_SCHEMA_DIR/schemas/crossref5.3.1.xsd

# ---- submit: the warning and the refusal ----
N=$TEST_TMP/new
MS=$TEST_TMP/ms
new_journal "$N" "Names Test Journal" || finish
mkdir -p "$MS"
paper() { # paper FILE FAMILY_FIRST_LINE
    cat >"$1" <<EOF
---
title: "Civil service reform in Korea"
lang: en
type: research-article
abstract: "An abstract."
keywords: [merit]
authors:
  - name: Kim Min-jun
    email: m.kim@example.org
    corresponding: true
$2
    affiliations:
      - name: Seoul National University
        country: KR
---

Body.
EOF
}
paper "$MS/warned.md" ""
expect_exit 0 "submit accepts a Korean author's one-string name" -- \
    "$JOURNAL" -C "$N" submit "$MS/warned.md"
expect_stderr_match "warning: .*warned\.md:8:11: author 'Kim Min-jun' is affiliated in KR, where the family name usually comes first" \
    "submit warns at the name's file and line that it is read given name first"
expect_stderr_match "family_first: true" "the warning says how to mark the family name first"

paper "$MS/marked.md" "    family_first: true"
expect_exit 0 "submit with family_first: true" -- "$JOURNAL" -C "$N" submit "$MS/marked.md"
check "and no warning about the name then" -- bash -c "! grep -q 'family name usually comes first' '$ERR'"

paper "$MS/bad.md" "    family_first: sometimes"
snapshot "$N" >"$TEST_TMP/before"
expect_exit 1 "submit refuses family_first that is not a boolean" -- \
    "$JOURNAL" -C "$N" submit "$MS/bad.md"
expect_stderr_match "bad\.md:11:19: 'family_first' must be true or false" \
    "the refusal names the file, line and column"
expect_unchanged "$TEST_TMP/before" "$N" "the refused submission leaves the repository unchanged"

# ---- the sample journal with names in two scripts and a family-first author ----
J=$TEST_TMP/sample
sample_journal "$J" || finish
"$PY" - "$J" <<'PY'
import sys
root = sys.argv[1]
def edit(path, old, new):
    p = f"{root}/{path}"
    text = open(p, encoding="utf-8").read()
    assert old in text, (path, old)
    open(p, "w", encoding="utf-8").write(text.replace(old, new, 1))
edit("submissions/2/manuscript.md", "  - name: Нодира Рахимова\n",
     "  - name: Нодира Рахимова\n    name_latin: Nodira Rakhimova\n")
edit("submissions/2/manuscript.md", "  - name: Бакыт Осмоналиев\n",
     "  - name: {given: Бакыт, family: Осмоналиев}\n"
     "    name_latin: {given: Bakyt, family: Osmonaliev}\n")
edit("submissions/1/manuscript.md", "references:\n",
     "  - name: Kim Min-jun\n    family_first: true\n    affiliations:\n"
     "      - name: Seoul National University\n        country: KR\nreferences:\n")
edit("journal.yaml", '  - name: "Olena Kovalenko"\n',
     '  - name: "Олена Коваленко"\n    name_latin: "Olena Kovalenko"\n')
PY
tgit -C "$J" commit -q -am "Names in two scripts, a family-first author" ||
    fail "commit the edited sample"
for issue in 1 2; do
    expect_exit 0 "issue $issue gets its DOIs" -- \
        in_dir "$J" "$JOURNAL" build-issue "$issue" --correct "DOIs assigned"
done

expect_exit 0 "build-site" -- in_dir "$J" "$JOURNAL" build-site
S=$J/_site
check "the English issue page names the Russian authors in Latin" -- \
    grep -q "Nodira Rakhimova" "$S/issues/1/index.html"
check "the English issue page has no Cyrillic form of them" -- \
    bash -c "! grep -q 'Рахимова' '$S/issues/1/index.html'"
check "the Russian issue page names them in Cyrillic" -- \
    grep -q "Нодира Рахимова" "$S/ru/issues/1/index.html"
check "the Russian issue page has no Latin form of them" -- \
    bash -c "! grep -q 'Rakhimova' '$S/ru/issues/1/index.html'"
check "the Russian article's page (in Russian) shows {given, family} in Cyrillic" -- \
    grep -q "Бакыт Осмоналиев" "$S/articles/2/index.html"
check "the Russian article's BibTeX download uses the Latin form" -- \
    grep -q "author = {Rakhimova, Nodira and Osmonaliev, Bakyt}" "$S/articles/2/citation.bib"
check "the English board page names a member in Latin" -- \
    grep -q "Olena Kovalenko" "$S/board/index.html"
check "the Russian board page names her in Cyrillic" -- \
    grep -q "Олена Коваленко" "$S/ru/board/index.html"

check "the Korean author's page shows 'Kim Min-jun'" -- grep -q "Kim Min-jun" "$S/articles/1/index.html"
check "APA cites the Korean author as 'Kim, M.-j.'" -- grep -q "Kim, M.-j." "$S/articles/1/index.html"
check "RIS has family Kim, given Min-jun" -- grep -q "AU  - Kim, Min-jun" "$S/articles/1/citation.ris"
check "the author index files Kim Min-jun under K (after Gelashvili, before Kuanyshev)" -- \
    "$PY" - "$S/authors/index.html" <<'PY'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
at = {n: page.find(n) for n in ("Nino Gelashvili", "Kim Min-jun", "Yerzhan Kuanyshev")}
assert all(v >= 0 for v in at.values()), at
assert at["Nino Gelashvili"] < at["Kim Min-jun"] < at["Yerzhan Kuanyshev"], at
PY
check "the English author index names the Russian authors in Latin" -- \
    grep -q "Bakyt Osmonaliev" "$S/authors/index.html"
check "the Russian author index names them in Cyrillic" -- \
    grep -q "Бакыт Осмоналиев" "$S/ru/authors/index.html"
check_site_valid "$S" "the site with names in two scripts"

# ---- JATS and OAI Dublin Core ----
check "JATS: a name in two scripts is a name-alternatives of the Cyrillic (xml:lang=ru) and Latin (xml:lang=en) forms" -- \
    "$PY" - "$S/articles/2/article.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
XL = "{http://www.w3.org/XML/1998/namespace}lang"
root = ET.parse(sys.argv[1]).getroot()
found = {}
for c in root.iter("contrib"):
    alt = c.find("name-alternatives")
    if alt is not None:
        names = alt.findall("name")
        found[names[-1].findtext("surname")] = [(n.get(XL), n.findtext("surname"), n.findtext("given-names")) for n in names]
    else:
        assert c.find("name") is None or c.find("name").findtext("surname") not in ("Rakhimova", "Osmonaliev")
assert found["Osmonaliev"] == [("ru", "Осмоналиев", "Бакыт"), ("en", "Osmonaliev", "Bakyt")], found
assert found["Rakhimova"] == [("ru", "Рахимова", "Нодира"), ("en", "Rakhimova", "Nodira")], found
PY
check "JATS: the family-first author's name has name-style=eastern, surname Kim" -- \
    "$PY" - "$S/articles/1/article.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
names = [n for n in ET.parse(sys.argv[1]).getroot().iter("name") if n.findtext("surname") == "Kim"]
assert len(names) == 1 and names[0].get("name-style") == "eastern", names
assert names[0].findtext("given-names") == "Min-jun"
others = [n for n in ET.parse(sys.argv[1]).getroot().iter("name") if n.findtext("surname") != "Kim"]
assert others and all(n.get("name-style") is None for n in others)
PY
check "OAI: dc:creator of the Russian authors is their Latin form, one creator a person" -- \
    "$PY" - "$S/oai/static-repository.xml" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
creators = re.findall(r"<dc:creator>([^<]*)</dc:creator>", text)
assert creators.count("Rakhimova, Nodira") == 1 and creators.count("Osmonaliev, Bakyt") == 1, creators
assert not any("Рахимова" in c or "Осмоналиев" in c for c in creators), creators
assert "Kim, Min-jun" in creators, creators
PY

# ---- Crossref ----
expect_exit 0 "deposit 1 --dry-run" -- in_dir "$J" "$JOURNAL" deposit 1 --dry-run
cp "$OUT" "$TEST_TMP/dry.xml"
check "the dry run validates against crossref5.3.1.xsd (xmllint)" -- \
    env XML_CATALOG_FILES="$CROSSREF_SCHEMA_DIR/catalog.xml" xmllint --nonet --noout --schema "$XSD" "$TEST_TMP/dry.xml"
check "Crossref: the Korean author has surname Kim, given name Min-jun; the Russian ones Latin names and their Cyrillic in alt-name" -- \
    "$PY" - "$TEST_TMP/dry.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
ns = {"c": "http://www.crossref.org/schema/5.3.1"}
root = ET.parse(sys.argv[1]).getroot()
people = {}
for p in root.iter("{http://www.crossref.org/schema/5.3.1}person_name"):
    given = p.findtext("c:given_name", default="", namespaces=ns)
    people[(given, p.findtext("c:surname", namespaces=ns))] = p
assert ("Min-jun", "Kim") in people, sorted(people)
assert ("Nodira", "Rakhimova") in people, sorted(people)
alt = people[("Bakyt", "Osmonaliev")].find("c:alt-name/c:name", ns)
assert alt.findtext("c:surname", namespaces=ns) == "Осмоналиев"
assert alt.findtext("c:given_name", namespaces=ns) == "Бакыт"
assert not any("Рахимова" == s for _, s in people), "Cyrillic surname in person_name"
PY

# ---- DOAJ ----
expect_exit 0 "export doaj 1" -- in_dir "$J" "$JOURNAL" export doaj 1
cp "$OUT" "$TEST_TMP/doaj.xml"
check "the DOAJ export validates against doajArticles.xsd" -- \
    env XML_CATALOG_FILES="$SPECS_DIR/doaj/catalog.xml" xmllint --nonet --noout \
    --schema "$SPECS_DIR/doaj/doajArticles.xsd" "$TEST_TMP/doaj.xml"
check "DOAJ names the Russian authors in Latin" -- \
    grep -q "<name>Bakyt Osmonaliev</name>" "$TEST_TMP/doaj.xml"
check "DOAJ has no Cyrillic form of their names" -- \
    bash -c "! grep -q 'Осмоналиев\|Рахимова' '$TEST_TMP/doaj.xml'"

finish
