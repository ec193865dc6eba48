#!/usr/bin/env bash
# journal stats counts what the index folded when each published submission was indexed
# (stats_articles: an author's identity, a place's key): after every edit below, the index
# refreshed for the one changed file gives the figures asked for, and exactly the output
# of an index rebuilt from nothing.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish
PY=/usr/bin/python3
MS=$J/submissions/4/manuscript.md

# outputs NAME: the three forms of `journal stats` into NAME.json, NAME.csv and NAME.txt.
outputs() {
    "$JOURNAL" -C "$J" --json stats >"$1.json" 2>"$1.err" &&
        "$JOURNAL" -C "$J" stats --csv >"$1.csv" 2>>"$1.err" &&
        "$JOURNAL" -C "$J" stats >"$1.txt" 2>>"$1.err"
}

# same_as_rebuilt DESC: the refreshed index's outputs are those of a rebuilt index.
same_as_rebuilt() {
    if ! outputs refreshed; then
        fail "$1: stats after the refresh" "$(cat refreshed.err)"
        return
    fi
    if ! "$JOURNAL" -C "$J" reindex >/dev/null 2>rebuilt.err || ! outputs rebuilt; then
        fail "$1: stats after journal reindex" "$(cat rebuilt.err)"
        return
    fi
    local e
    for e in json csv txt; do
        if ! cmp -s refreshed.$e rebuilt.$e; then
            fail "$1: refreshed and rebuilt index differ ($e)" "$(diff refreshed.$e rebuilt.$e | head)"
            return
        fi
    done
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' refreshed.err rebuilt.err; then
        fail "$1 (sanitizer report)" "$(cat refreshed.err rebuilt.err | head -c 2000)"
        return
    fi
    pass "$1: the refreshed index gives the rebuilt index's output"
}

# figures CODE: "articles authors" of a country in refreshed.json, or "none".
figures() {
    "$PY" -c '
import json, sys
s = json.load(open("refreshed.json"))
row = [c for c in s["countries"] if c["code"] == sys.argv[1]]
print("%d %d" % (row[0]["articles"], row[0]["authors"]) if row else "none")
' "$1"
}

commit() {
    tgit -C "$J" commit -qam "$1"
}

same_as_rebuilt "the sample"
check_eq "Georgia: one article, two authors" "1 2" "$(figures GE)"
check_eq "Armenia: one article, one author" "1 1" "$(figures AM)"
cp refreshed.json sample.json

# An index written by the previous version (no stats tables) is rebuilt on first use.
check "an index of schema 3 without the stats tables" -- "$PY" -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TABLE stats_articles; DROP TABLE stats_places; DROP TABLE stats_authors;"
                 " UPDATE meta SET value = 3 WHERE key = \"schema_version\";")
db.commit()
' "$J/.journal/index.db"
outputs refreshed
check "is rebuilt: the same figures" -- cmp sample.json refreshed.json

# A name without an ORCID iD is not the same author as that name with one.
sed -i 's/^  - name: Levan Tsiklauri$/  - name: Nino Gelashvili/' "$MS"
commit "Rename the second author of 4"
same_as_rebuilt "a renamed author"
check_eq "a name without ORCID iD and the same name with one are two authors" "1 2" \
    "$(figures GE)"

# Without ORCID iDs, names are compared folded: case, spacing and final dot aside.
sed -i '/^    orcid: 0000-0002-0305-5045$/d; s/^  - name: Nino Gelashvili$/  - name: "NINO  gelashvili."/' \
    "$MS"
sed -i '0,/^  - name: "NINO  gelashvili."$/s//  - name: Nino Gelashvili/' "$MS"
commit "The first author of 4 without ORCID iD, the second spelled otherwise"
same_as_rebuilt "an ORCID iD removed"
check_eq "the same folded name is one author" "1 1" "$(figures GE)"

# An affiliation moved to another country moves its author and article with it.
sed -i 's/^        country: GE$/        country: AM/' "$MS"
commit "The second author of 4 in Armenia"
same_as_rebuilt "an affiliation's country changed"
check_eq "Georgia keeps its first author" "1 1" "$(figures GE)"
check_eq "Armenia gains the article and the author" "2 2" "$(figures AM)"

# The ORCID iD of another author in the same country makes them one author there.
sed -i 's/^  - name: "NINO  gelashvili."$/  - name: Anahit Grigoryan\n    orcid: 0000-0002-7953-1538/' "$MS"
commit "The second author of 4 is Anahit Grigoryan"
same_as_rebuilt "an ORCID iD added"
check_eq "one ORCID iD, one author" "2 1" "$(figures AM)"

# An affiliation that becomes an international organisation leaves the countries.
sed -i 's/^      - name: Centre for Digital Governance, Tallinn$/      - name: "UN \\"Habitat\\" \\\\ Tallinn"\n        international: true/; /^        country: EE$/d' "$MS"
commit "The third author of 4 at an international organisation"
same_as_rebuilt "an affiliation made international"
check_eq "Estonia is gone" "none" "$(figures EE)"
check "the organisation is counted under its name as written, quotes and backslash kept" -- \
    "$PY" -c '
import json
s = json.load(open("refreshed.json"))
names = {o["name"]: o for o in s["organisations"]}
o = names["UN \"Habitat\" \\ Tallinn"]
assert (o["articles"], o["authors"]) == (1, 1), o
assert s["countries_total"] == 11 and s["organisations_total"] == 4, s["headline"]
'
# The figures are written as jansson writes reals: "%.17g", ".0" added to whole numbers.
check "fractional counts in JSON are written as %.17g" -- "$PY" -c '
import json, re
text = open("refreshed.json").read()
values = re.findall(r"\"fractional\": ([^,\n]*)", text)
assert values
for v in values:
    x = float(v)
    want = "%.17g" % x
    if "." not in want and "e" not in want:
        want += ".0"
    assert v == want, (v, want)
json.loads(text)
'

# The JSON is laid out as jansson's JSON_INDENT(2) writes it (python's json.dumps with
# indent=2 writes the same, floats aside: those are compared as written).
check "the JSON's layout is jansson's, byte for byte" -- "$PY" -c '
import json, re
text = open("refreshed.json", encoding="utf-8").read()
again = json.dumps(json.loads(text, parse_float=str), indent=2, ensure_ascii=False) + "\n"
again = re.sub(r"\"fractional\": \"([^\"]*)\"", lambda m: "\"fractional\": " + m.group(1), again)
assert again == text, [(a, b) for a, b in zip(again.splitlines(), text.splitlines()) if a != b][:3]
'
check "CSV: the quoted name reads back, fractional counts with four decimals" -- "$PY" -c '
import csv
rows = list(csv.DictReader(open("refreshed.csv", newline="", encoding="utf-8")))
names = [r for r in rows if r["name"] == "UN \"Habitat\" \\ Tallinn"]
assert names and all(r["kind"] == "organisation" and r["code"] == "" for r in names), names
assert all(len(r["fractional"].split(".")[1]) == 4 for r in rows), rows[0]
'

# Taken out of its issue, the article is no longer counted (the issue's refresh).
sed -i 's/^articles: \[1, 2, 3, 4, 5\]$/articles: [1, 2, 3, 5]/' "$J/issues/1.yaml"
commit "Article 4 out of issue 1"
same_as_rebuilt "an article taken out of its issue"
check_eq "Georgia is gone with it" "none" "$(figures GE)"
check_eq "Armenia has its other article only" "1 1" "$(figures AM)"

# A damaged index (a contribution cut short) is an error naming the cure, not wrong figures.
check "one submission's contributions cut short" -- "$PY" -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE stats_articles SET contributions = substr(contributions, 1, 7)"
           " WHERE submission = 1")
db.commit()
' "$J/.journal/index.db"
expect_exit 3 "stats on a damaged index" -- "$JOURNAL" -C "$J" stats
expect_stderr_match "damaged.*journal reindex" "the message says to rebuild the index"
expect_exit 0 "journal reindex" -- "$JOURNAL" -C "$J" reindex
expect_exit 0 "stats after reindex" -- "$JOURNAL" -C "$J" --json stats
check "gives the figures again" -- cmp "$OUT" refreshed.json
finish
