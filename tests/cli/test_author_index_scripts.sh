#!/usr/bin/env bash
# The author index lists a person once whatever the script their name is written in: by
# ORCID iD, or without one by the same words in any script and order; the entry shows the
# form of the page's language and the other forms next to it.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
# Nodira Rakhimova (Нодира Рахимова of the Russian article 2, same ORCID iD) and Marat
# Iskakov (Марат Искаков of article 2 written family name first, no ORCID iD) co-author the
# English article 3.
python3 - "$J/submissions/3/manuscript.md" "$J/submissions/2/manuscript.md" <<'PY'
import sys
en, ru = sys.argv[1], sys.argv[2]
text = open(en, encoding="utf-8").read()
text = text.replace("authors:\n", """authors:
  - name: Nodira Rakhimova
    orcid: 0000-0002-5550-9758
    affiliations:
      - name: Academy of Public Administration, Tashkent
        country: UZ
  - name: Marat Iskakov
    affiliations:
      - name: Karaganda University
        country: KZ
""", 1)
open(en, "w", encoding="utf-8").write(text)
text = open(ru, encoding="utf-8").read()
text = text.replace("authors:\n", """authors:
  - name: Искаков Марат
    affiliations:
      - name: Карагандинский университет
        country: KZ
""", 1)
open(ru, "w", encoding="utf-8").write(text)
PY
tgit -C "$J" commit -qam "Authors in two scripts" || fail "commit"
expect_exit 0 "build-site" -- "$JOURNAL" -C "$J" build-site
S=$J/_site

# entries PAGE: each author entry as "NAME | OTHER FORMS | ARTICLES".
entries() {
    /usr/bin/python3 - "$1" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cur, self.field = [], None, None
    def handle_starttag(self, tag, attrs):
        cls = (dict(attrs).get("class") or "").split()
        if tag == "li" and "author-entry" in cls:
            self.cur = {"name": "", "other": "", "n": 0}
            self.rows.append(self.cur)
        elif self.cur is not None and "author-name" in cls:
            self.field = "name"
        elif self.cur is not None and "author-other-names" in cls:
            self.field = "other"
        elif self.cur is not None and tag == "a" and "orcid-link" not in cls:
            self.cur["n"] += 1
    def handle_endtag(self, tag):
        if tag in ("span", "p"):
            self.field = None if tag == "p" or self.field == "name" else self.field
    def handle_data(self, data):
        if self.cur is not None and self.field:
            self.cur[self.field] += data
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
for r in p.rows:
    print(f'{r["name"].strip()} | {r["other"].strip()} | {r["n"]}')
PY
}
entries "$S/authors/index.html" >en.txt
entries "$S/ru/authors/index.html" >ru.txt
check "English index: Nodira Rakhimova, with her Cyrillic form" -- \
    grep -qE "^Nodira Rakhimova \| Нодира Рахимова \| [0-9]+$" en.txt
check "Russian index: Нодира Рахимова, with her Latin form" -- \
    grep -qE "^Нодира Рахимова \| Nodira Rakhimova \| [0-9]+$" ru.txt
check "English index: Marat Iskakov (no ORCID iD) once, with 'Искаков Марат'" -- \
    grep -qx "Marat Iskakov | Искаков Марат | 2" en.txt
check "Russian index: Искаков Марат once, with 'Marat Iskakov'" -- \
    grep -qx "Искаков Марат | Marat Iskakov | 2" ru.txt
for page in en.txt ru.txt; do
    check_eq "$page: each of them is listed once" "1 1" \
        "$(grep -cE '^(Nodira Rakhimova|Нодира Рахимова) ' $page) $(grep -cE '^(Marat Iskakov|Искаков Марат) ' $page)"
done
finish
