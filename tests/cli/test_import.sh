#!/usr/bin/env bash
# journal import: past issues (the back catalogue) brought into a new journal, one
# commit each, published with their DOIs and dates; bad folders are refused with
# file and line and leave the repository as it was.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
new_journal "$J" "Back Catalogue Review" || finish
cd "$TEST_TMP" || finish
PY=/usr/bin/python3

# article FILE TITLE AUTHOR ORCID COUNTRY: a manuscript in the format of journal submit.
article() {
    cat >"$1" <<EOF
---
title: "$2"
lang: en
type: research-article
abstract: |
  What $2 found, in a few sentences.
keywords: [public administration, history]
authors:
  - name: $3
    orcid: $4
    affiliations:
      - name: University of Somewhere
        country: $5
---

## Introduction

The text of $2.
EOF
}

# issue_folder DIR VOLUME NUMBER YEAR DATE: two articles and their manifest.
issue_folder() {
    local dir=$1 v=$2 n=$3 y=$4 d=$5
    mkdir -p "$dir"
    article "$dir/first.md" "Vol $v No $n first" "Ana Popescu" 0000-0001-6989-3925 RO
    article "$dir/second.md" "Vol $v No $n second" "Ivan Petrov" 0000-0003-9067-8677 BG
    cat >"$dir/issue.yaml" <<EOF
volume: $v
number: $n
year: $y
date: $d
title: "Issue $v.$n"
articles:
  - {file: first.md, doi: 10.12345/bcr.$y.$v.$n.1, pages: "1-14"}
  - {file: second.md, doi: 10.12345/bcr.$y.$v.$n.2, pages: "15-30", published: $y-01-10}
EOF
}

issue_folder past1 1 1 2019 2019-06-30
issue_folder past2 1 2 2019 2019-12-20
issue_folder past3 2 1 2020 2020-06-30
# The third was a special edition with guest editors.
sed -i 's/^title: "Issue 2.1"$/title: "Issue 2.1"\nspecial: "Merit systems"\nguest_editors: [{name: Ana Popescu, affiliation: SNSPA}, Ivan Petrov]/' past3/issue.yaml

"$JOURNAL" -C "$J" list >/dev/null
before=$TEST_TMP/.before
snapshot "$J" >"$before"

# --dry-run validates and prints, and changes nothing.
expect_exit 0 "import --dry-run" -- "$JOURNAL" -C "$J" import past1 --dry-run
expect_stdout_match "^Would import issue 1: Vol\. 1, No\. 1 \(2019\), 2019-06-30" "the dry run names the issue"
expect_stdout_match "#2 Vol 1 No 1 second" "the dry run shows the new submission numbers"
expect_unchanged "$before" "$J" "--dry-run changed nothing"

# Three past issues, one commit each.
commits=$(commit_count "$J")
expect_exit 0 "import vol 1 no 1" -- "$JOURNAL" -C "$J" import past1
expect_stdout_match "^Imported issue 1: Vol\. 1, No\. 1 \(2019\)" "the summary names the issue"
expect_stdout_match "doi:10\.12345/bcr\.2019\.1\.1\.1" "the summary shows the DOI"
check_eq "one commit" "$((commits + 1))" "$(commit_count "$J")"
check "the commit message names the issue and each article" -- sh -c \
    "git -C '$J' log -1 --format=%B | grep -q '^Import issue 1: Vol. 1, No. 1 (2019)' &&
     git -C '$J' log -1 --format=%B | grep -q '^#2 doi:10.12345/bcr.2019.1.1.2'"
check "the manuscript is stored byte for byte" -- cmp past1/first.md "$J/submissions/1/manuscript.md"
expect_exit 0 "import vol 1 no 2 --json" -- "$JOURNAL" -C "$J" --json import past2
check "the JSON names the issue and the articles" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["issue"], d["volume"], d["number"], d["year"]) == (2, 1, 2, 2019), d
assert [a["submission"] for a in d["articles"]] == [3, 4], d
assert d["articles"][0]["doi"] == "10.12345/bcr.2019.1.2.1" and not d["dry_run"], d' "$OUT"
expect_exit 0 "import vol 2 no 1" -- "$JOURNAL" -C "$J" import past3
check_eq "three commits" "$((commits + 3))" "$(commit_count "$J")"
check "records are published with DOI, date and issue; manifests list them" -- "$PY" -c '
import sys, yaml
j = sys.argv[1]
for issue, (v, n, y, date) in enumerate([(1, 1, 2019, "2019-06-30"), (1, 2, 2019, "2019-12-20"),
                                         (2, 1, 2020, "2020-06-30")], 1):
    m = yaml.safe_load(open("%s/issues/%d.yaml" % (j, issue)))
    assert (m["volume"], m["number"], m["year"], str(m["date"])) == (v, n, y, date), m
    subs = [a["submission"] for a in m["articles"]]
    assert subs == [2 * issue - 1, 2 * issue], m
    assert [a["pages"] for a in m["articles"]] == ["1-14", "15-30"], m
    # The pages of the printed issues, not estimates: Crossref and DOAJ get them.
    assert m["pagination"] == "typeset", m
    for k, s in enumerate(subs):
        r = yaml.safe_load(open("%s/submissions/%d/submission.yaml" % (j, s)))
        want = date if k == 0 else "%d-01-10" % y
        assert r["state"] == "published" and r["issue"] == issue, r
        assert r["doi"] == "10.12345/bcr.%d.%d.%d.%d" % (y, v, n, k + 1), r
        assert str(r["published"]) == str(r["submitted"]) == str(r["accepted"]) == want, r
        assert r["history"][-1]["action"] == "imported" and r["history"][-1]["by"], r' "$J"
check "the special edition keeps its guest editors" -- "$PY" -c '
import sys, yaml
m = yaml.safe_load(open(sys.argv[1] + "/issues/3.yaml"))
assert m["special"] == "Merit systems", m
assert m["guest_editors"] == [{"name": "Ana Popescu", "affiliation": "SNSPA"}, {"name": "Ivan Petrov"}], m' "$J"
expect_exit 0 "list --state published" -- "$JOURNAL" -C "$J" list --state published
check_eq "six published articles listed" 6 "$(grep -c ' published ' "$OUT")"
expect_exit 0 "stats --json" -- "$JOURNAL" -C "$J" stats --json
check "stats counts the imported articles" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["articles"] == 6, d["articles"]
assert {c["code"] for c in d["countries"]} == {"RO", "BG"}, d["countries"]' "$OUT"
expect_exit 0 "build-site" -- "$JOURNAL" -C "$J" build-site
check "the site shows the imported issues and articles with their DOIs" -- sh -c \
    "test -e '$J/_site/issues/3/index.html' && grep -q '10.12345/bcr.2020.2.1.2' '$J/_site/articles/6/index.html'"

# Bad input: exit 1, file and line in the message, nothing changed.
snapshot "$J" >"$before"
issue_folder bad 3 1 2021 2021-06-30
expect_exit 0 "the bad folder is good before it is broken" -- "$JOURNAL" -C "$J" import bad --dry-run

cp bad/issue.yaml good.yaml
sed -i 's/^date: 2021-06-30/date: [2021-06-30/' bad/issue.yaml
expect_exit 1 "issue.yaml with a syntax error" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:[0-9]+:[0-9]+: invalid YAML" "the syntax error has file:line:col"
cp good.yaml bad/issue.yaml

sed -i 's/0000-0001-6989-3925/0000-0001-6989-3926/' bad/first.md
expect_exit 1 "an article with a bad ORCID" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/first\.md:[0-9]+:[0-9]+: .*ORCID" "the article's own file and line"
sed -i 's/0000-0001-6989-3926/0000-0001-6989-3925/; s/country: RO/country: XX/' bad/first.md
expect_exit 1 "an article with an unknown country" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/first\.md:[0-9]+:[0-9]+: .*XX" "the unknown country is named with file and line"
sed -i 's/country: XX/country: RO/' bad/first.md
sed -i '/^title:/d' bad/second.md
expect_exit 1 "an article without a title" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/second\.md:[0-9]+:[0-9]+: .*title" "the missing title is named with file and line"
article bad/second.md "Vol 3 No 1 second" "Ivan Petrov" 0000-0003-9067-8677 BG

sed -i 's/file: second.md/file: missing.md/' bad/issue.yaml
expect_exit 1 "a missing article file" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:8:[0-9]+: missing\.md: no such file" "the manifest line is named"
cp good.yaml bad/issue.yaml

sed -i 's/bcr\.2021\.3\.1\.2/bcr.2021.3.1.1/' bad/issue.yaml
expect_exit 1 "a DOI given twice in the folder" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:8:[0-9]+: doi 10\.12345/bcr\.2021\.3\.1\.1 is given twice \(also line 7\)" \
    "the duplicate DOI is named with both lines"
cp good.yaml bad/issue.yaml

sed -i 's/bcr\.2021\.3\.1\.2/BCR.2019.1.2.1/' bad/issue.yaml
expect_exit 1 "a DOI already in the journal" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:8:[0-9]+: doi 10\.12345/BCR\.2019\.1\.2\.1 is already used by submission 3" \
    "the submission holding the DOI is named"
cp good.yaml bad/issue.yaml

sed -i 's/10\.12345\/bcr\.2021\.3\.1\.2/10.12\/x/' bad/issue.yaml
expect_exit 1 "a malformed DOI" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:8:[0-9]+: 'doi' must look like 10\.NNNN/suffix" "the bad DOI is named"
cp good.yaml bad/issue.yaml

printf 'id: 1234567890\n' >>bad/issue.yaml
expect_exit 1 "an issue id of ten digits (issue files are named by at most nine)" -- \
    "$JOURNAL" -C "$J" import bad --dry-run
expect_stderr_match "bad/issue\.yaml:9:[0-9]+: 'id' must be at most 999999999" "the long id's line is named"
cp good.yaml bad/issue.yaml

printf 'id: 2\n' >>bad/issue.yaml
expect_exit 1 "an issue id already used" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:9:[0-9]+: issue 2 already exists" "the id's line is named"
cp good.yaml bad/issue.yaml

sed -i 's/^volume: 3/volume: 1/; s/^number: 1/number: 2/' bad/issue.yaml
expect_exit 1 "a volume and number already used" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:1:[0-9]+: Vol\. 1, No\. 2 is already issue 2" "the clash is named"
cp good.yaml bad/issue.yaml

sed -i 's/file: second.md/file: ..\/past1\/second.md/' bad/issue.yaml
expect_exit 1 "a file outside the folder" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:8:[0-9]+: 'file' must name a file inside the folder" "the unsafe name is refused"
cp good.yaml bad/issue.yaml

mv bad/second.md real.md && ln -s ../real.md bad/second.md
expect_exit 1 "a symbolic link" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:8:[0-9]+: second\.md: .*symbolic link" "the link is refused"
rm bad/second.md && mv real.md bad/second.md

sed -i 's/^date: 2021-06-30/date: 2027-01-01/' bad/issue.yaml
expect_exit 1 "a date in the future" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/issue\.yaml:4:[0-9]+: 'date' 2027-01-01 is in the future" "the date is refused"
cp good.yaml bad/issue.yaml

# Every problem of every file in one run, as submit reports a manuscript: two broken
# articles, a bad DOI in the manifest and a volume and number already taken.
sed -i 's/0000-0001-6989-3925/0000-0001-6989-3926/; s/country: RO/country: XX/' bad/first.md
sed -i '/^title:/d' bad/second.md
sed -i 's/10\.12345\/bcr\.2021\.3\.1\.2/10.12\/x/; s/^volume: 3/volume: 1/; s/^number: 1/number: 2/' bad/issue.yaml
expect_exit 1 "a folder with problems in three files" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "bad/first\.md:[0-9]+:[0-9]+: .*ORCID" "the first article's ORCID is named"
expect_stderr_match "bad/first\.md:[0-9]+:[0-9]+: .*XX" "and its unknown country"
expect_stderr_match "bad/second\.md:[0-9]+:[0-9]+: .*title" "and the second article's missing title"
expect_stderr_match "bad/issue\.yaml:8:[0-9]+: 'doi' must look like 10\.NNNN/suffix" "and the manifest's bad DOI"
expect_stderr_match "bad/issue\.yaml:1:[0-9]+: Vol\. 1, No\. 2 is already issue 2" "and the volume already taken"
check_eq "one line a problem, each with file:line:column" 5 \
    "$(grep -cE '^journal import: [^ ]*bad/(first\.md|second\.md|issue\.yaml):[0-9]+:[0-9]+: ' "$ERR")"
cp good.yaml bad/issue.yaml
article bad/first.md "Vol 3 No 1 first" "Ana Popescu" 0000-0001-6989-3925 RO
article bad/second.md "Vol 3 No 1 second" "Ivan Petrov" 0000-0003-9067-8677 BG

rm bad/issue.yaml
expect_exit 1 "a folder without issue.yaml" -- "$JOURNAL" -C "$J" import bad
expect_stderr_match "issue\.yaml" "the message names issue.yaml"
cp good.yaml bad/issue.yaml
expect_exit 2 "no folder is a usage error" -- "$JOURNAL" -C "$J" import
expect_unchanged "$before" "$J" "the refused imports changed nothing"

# Once repaired, the folder imports as the next issue with the next numbers.
expect_exit 0 "the repaired folder imports" -- "$JOURNAL" -C "$J" import bad
expect_stdout_match "^Imported issue 4: Vol\. 3, No\. 1 \(2021\)" "as issue 4"
expect_stdout_match "#8 Vol 3 No 1 second" "with submissions 7 and 8"

# id: chooses the issue id (a journal numbering its back catalogue as it was).
issue_folder past5 3 2 2021 2021-12-20
printf 'id: 11\n' >>past5/issue.yaml
expect_exit 0 "import with id: 11" -- "$JOURNAL" -C "$J" import past5
check "issues/11.yaml lists submissions 9 and 10" -- "$PY" -c '
import sys, yaml
m = yaml.safe_load(open(sys.argv[1] + "/issues/11.yaml"))
assert [a["submission"] for a in m["articles"]] == [9, 10], m' "$J"
finish
