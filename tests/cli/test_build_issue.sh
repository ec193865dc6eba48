#!/usr/bin/env bash
# journal build-issue: an issue assembled from accepted submissions, published in
# one commit with pages and DOIs; refusals leave everything as it was; scheduled
# issues stay off the site; a published issue changes only with --correct.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish
PY=/usr/bin/python3
"$JOURNAL" -C "$J" list >/dev/null

# Accept 10 and 11 through the workflow (assign, review, decide), as an office would.
echo "Sound." >c.md
for n in 10 11; do
    "$JOURNAL" -C "$J" assign "$n" --reviewer michael-brennan >/dev/null 2>&1 ||
        "$JOURNAL" -C "$J" assign "$n" --reviewer armen-hovhannisyan >/dev/null
    who=$(grep -m1 -A1 "^- reviewer:" "$J/submissions/$n/submission.yaml" | head -1 | sed 's/.*reviewer: //')
    "$JOURNAL" -C "$J" review "$n" --verdict accept --comments c.md --as "$who" >/dev/null
done
expect_exit 0 "decide 10 accept" -- "$JOURNAL" -C "$J" decide 10 accept
before=$TEST_TMP/.before
snapshot "$J" >"$before"

# Refusals: nothing written.
expect_exit 1 "an unaccepted submission is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 10 11
expect_stderr_match "submission 11 is under-review: only accepted submissions can be published" \
    "the refusal names the submission and its state"
expect_exit 1 "an already published article is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 10 3
expect_stderr_match "submission 3 is already published in issue 1" "the refusal names its issue"
expect_exit 1 "an unknown submission is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 99
expect_exit 1 "a submission named twice is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 10 10
expect_stderr_match "submission 10 is named twice" "the refusal says so"
expect_exit 2 "--add without numbers is a usage error" -- "$JOURNAL" -C "$J" build-issue 3 --add
expect_exit 1 "--date that is not a date" -- "$JOURNAL" -C "$J" build-issue 3 --date 2026-02-30
expect_exit 2 "--guest-editor without a special edition is refused" -- \
    "$JOURNAL" -C "$J" build-issue 3 --guest-editor "Li Wei"
expect_stderr_match "guest editors edit a special edition; give --special" "the refusal says what is missing"
expect_exit 2 "--guest-editor without a name is a usage error" -- \
    "$JOURNAL" -C "$J" build-issue 3 --special "S" --guest-editor ""
expect_unchanged "$before" "$J" "the refused builds changed nothing"

# --dry-run prints the table of contents and changes nothing.
expect_exit 0 "build-issue --dry-run" -- "$JOURNAL" -C "$J" build-issue 3 --title "Careers" --dry-run
expect_stdout_match "^Would publish issue 3: Vol\. 2, No\. 1 \(2026\), 2026-01-15, \"Careers\"" \
    "the dry run names the issue (a new year starts volume 2)"
expect_stdout_match "pp\. 1–[0-9]+, doi:10\.99999/jcsrp\.2026\.2\.1\.1 \(submission 10\)" \
    "the dry run shows pages (with the readers' en dash) and the DOI from the pattern"
expect_unchanged "$before" "$J" "--dry-run changed nothing"

# Publish: one commit, the manifest, the article published with its DOI.
commits=$(commit_count "$J")
expect_exit 0 "build-issue 3 (only the accepted 10 waits)" -- "$JOURNAL" -C "$J" build-issue 3 --title "Careers" \
    --special "Onboarding in the civil service" --guest-editor "Li Wei, Tsinghua University" \
    --guest-editor "Anna Petrosyan"
expect_stdout_match "^Guest editors: Li Wei, Tsinghua University; Anna Petrosyan$" \
    "the table of contents names the guest editors"
expect_stdout_match "^Published issue 3: Vol\. 2, Special Issue 1 \(2026\)" \
    "a special edition is numbered in the volume's special series"
check_eq "one commit" "$((commits + 1))" "$(commit_count "$J")"
check "the manifest and the record agree" -- "$PY" -c '
import sys, yaml
j = sys.argv[1]
issue = yaml.safe_load(open(j + "/issues/3.yaml"))
assert (issue["volume"], issue["number"], issue["year"]) == (2, "S1", 2026), issue
assert issue["special"] == "Onboarding in the civil service", issue
assert issue["guest_editors"] == [{"name": "Li Wei", "affiliation": "Tsinghua University"},
                                  {"name": "Anna Petrosyan"}], issue
assert [a["submission"] for a in issue["articles"]] == [10], issue
r = yaml.safe_load(open(j + "/submissions/10/submission.yaml"))
assert r["state"] == "published" and r["issue"] == 3 and r["doi"] == "10.99999/jcsrp.2026.2.S1.1", r
assert r["published"] == issue["date"], r' "$J"
expect_exit 0 "build-site shows the new issue" -- "$JOURNAL" -C "$J" build-site
check "the article page exists and shows its DOI" -- grep -q "10.99999/jcsrp.2026.2.S1.1" "$J/_site/articles/10/index.html"
check "the issue page names the guest editors with their affiliation" -- grep -qF \
    'Guest editors:</span> <span class="guest-editor">Li Wei <span class="guest-editor-affiliation">(Tsinghua University)</span></span>, <span class="guest-editor">Anna Petrosyan</span>' \
    "$J/_site/issues/3/index.html"
check "the Russian issue page names them too" -- grep -qF 'Приглашённые редакторы:' "$J/_site/ru/issues/3/index.html"
check "the table of contents gives each article's pages (en dash) and DOI" -- grep -qE \
    '<span class="toc-pages">pp\. 1–[0-9]+</span> <span class="toc-sep" aria-hidden="true">·</span> <a class="toc-doi" href="https://doi\.org/10\.99999/jcsrp\.2026\.2\.S1\.1">' \
    "$J/_site/issues/3/index.html"
check "so does the Russian table of contents" -- grep -qE \
    '<span class="toc-pages">С\. 1–[0-9]+</span>.*href="https://doi\.org/10\.99999/jcsrp\.2026\.2\.S1\.1"' \
    "$J/_site/ru/issues/3/index.html"
check "the article page shows its pages with the same en dash" -- grep -qE \
    '<dd>1–[0-9]+</dd>' "$J/_site/articles/10/index.html"
check "no page shows a page range with a hyphen" -- "$PY" -c '
import glob, re, sys
for path in glob.glob(sys.argv[1] + "/_site/**/*.html", recursive=True):
    text = open(path, encoding="utf-8").read()
    shown = re.findall(r"toc-pages\">[^<]*", text)
    shown += re.findall(r"<dt>(?:Pages|Страницы)</dt>\s*<dd>([^<]*)", text)
    assert not [x for x in shown if re.search(r"[0-9]-[0-9]", x)], (path, shown)' "$J"

# A published issue changes only with --correct, which is recorded.
expect_exit 0 "decide 11 accept" -- "$JOURNAL" -C "$J" decide 11 accept
snapshot "$J" >"$before"
expect_exit 1 "adding to a published issue without --correct is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 11
expect_stderr_match "issue 3 is published: it changes only with --correct" "the refusal says how"
expect_unchanged "$before" "$J" "the refusal changed nothing"
expect_exit 0 "build-issue 3 --add 11 --correct NOTE" -- \
    "$JOURNAL" -C "$J" build-issue 3 --add 11 --correct "Added an article omitted by mistake"
expect_stdout_match "^Corrected issue 3: " "... says it corrected issue 3"
check "the correction is recorded with its date and both articles are listed" -- "$PY" -c '
import sys, yaml
issue = yaml.safe_load(open(sys.argv[1] + "/issues/3.yaml"))
corrections = [{"date": str(c["date"]), "note": c["note"]} for c in issue["corrections"]]
assert corrections == [{"date": "2026-01-15", "note": "Added an article omitted by mistake"}], issue
assert sorted(a["submission"] for a in issue["articles"]) == [10, 11], issue
pages = [a["pages"] for a in issue["articles"]]
ends = [int(p.split("-")[1]) for p in pages]
starts = [int(p.split("-")[0]) for p in pages]
assert starts[0] == 1 and starts[1] == ends[0] + 1, pages' "$J"

# Special editions have their own series in the volume: Special Issue 1 takes no regular number.
J3=$TEST_TMP/special
sample_journal "$J3" || finish
sed -i 's/^state: submitted/state: accepted/' "$J3/submissions/10/submission.yaml" \
    "$J3/submissions/11/submission.yaml"
tgit -C "$J3" commit -qam "Accept 10 and 11"
# Submission 10's attachments: two published as supplementary material, one kept private.
mkdir -p "$J3/submissions/10/files/raw"
printf 'year,posts\n2025,3\n' >"$J3/submissions/10/files/data.csv"
printf 'PK-not-really-a-zip' >"$J3/submissions/10/files/raw/a b.zip"
printf 'PRIVATE-NOTE-5c1e for the editor only\n' >"$J3/submissions/10/files/private-notes.txt"
printf '<script>alert(1)</script>\n' >"$J3/submissions/10/files/page.html"
tgit -C "$J3" add -A && tgit -C "$J3" commit -qm "Attachments of 10"
"$JOURNAL" -C "$J3" list >/dev/null
snapshot "$J3" >"$TEST_TMP/.before3"
expect_exit 1 "--supplementary naming no attachment is refused" -- "$JOURNAL" -C "$J3" build-issue 3 \
    --add 10 --date 2025-12-20 --supplementary 10:missing.csv
expect_stderr_match "--supplementary 10:missing.csv: submission 10 has no attachment missing.csv" \
    "the refusal names the submission and the file"
expect_exit 1 "--supplementary of a submission not in the issue is refused" -- \
    "$JOURNAL" -C "$J3" build-issue 3 --add 10 --date 2025-12-20 --supplementary 11:data.csv
expect_stderr_match "submission 11 is not in issue 3" "the refusal says why"
expect_exit 1 "a web page is refused as supplementary material" -- \
    "$JOURNAL" -C "$J3" build-issue 3 --add 10 --date 2025-12-20 --supplementary 10:page.html
expect_stderr_match "would run on the journal's site" "the refusal says why"
expect_exit 1 "a path out of the submission's files is refused" -- \
    "$JOURNAL" -C "$J3" build-issue 3 --add 10 --date 2025-12-20 --supplementary 10:../manuscript.md
expect_exit 2 "--supplementary without N: is a usage error" -- \
    "$JOURNAL" -C "$J3" build-issue 3 --add 10 --supplementary data.csv
expect_unchanged "$TEST_TMP/.before3" "$J3" "the refused supplementary material changed nothing"
expect_exit 0 "a special edition in volume 1 (2025)" -- "$JOURNAL" -C "$J3" build-issue 3 --add 10 \
    --date 2025-12-20 --special "Ethics in practice" --supplementary 10:data.csv \
    --supplementary "10:files/raw/a b.zip"
expect_stdout_match "supplementary material: files/raw/a b\.zip" "the table of contents lists it"
check "the manifest lists the supplementary material with the article" -- "$PY" -c '
import sys, yaml
issue = yaml.safe_load(open(sys.argv[1] + "/issues/3.yaml"))
assert issue["articles"][0]["supplementary"] == ["data.csv", "raw/a b.zip"], issue' "$J3"
expect_stdout_match "^Published issue 3: Vol\. 1, Special Issue 1 \(2025\), 2025-12-20" \
    "it is the volume's first special issue"
expect_exit 0 "show 10 after publishing" -- "$JOURNAL" -C "$J3" show 10
expect_stdout_match "^  files/data\.csv \(18 bytes\), supplementary material \(published with the article\)$" \
    "show marks the published attachment"
expect_stdout_match "^  files/private-notes\.txt \([0-9]+ bytes\)$" "and not the private one"
snapshot "$J3" >"$TEST_TMP/.before3"
expect_exit 1 "--number taken by the special issue is refused" -- \
    "$JOURNAL" -C "$J3" build-issue 4 --add 11 --date 2025-12-30 --number S1
expect_stderr_match "--number S1: Vol\. 1, Special Issue 1 \(2025\) is already issue 3" "the refusal names the issue"
expect_exit 1 "--number taken by a regular issue is refused" -- \
    "$JOURNAL" -C "$J3" build-issue 4 --add 11 --date 2025-12-30 --number 2
expect_stderr_match "--number 2: Vol\. 1, No\. 2 \(2025\) is already issue 2" "the refusal names the issue"
expect_exit 2 "--number that is no issue number is a usage error" -- \
    "$JOURNAL" -C "$J3" build-issue 4 --add 11 --number X1
expect_stderr_match "--number X1: expected a number such as 3, or S and one \(S1\)" "the error says what is expected"
expect_exit 1 "a published issue keeps its number" -- \
    "$JOURNAL" -C "$J3" build-issue 3 --number S2 --correct "Renumber"
expect_stderr_match "issue 3 is published; its number stays" "the refusal says why"
expect_unchanged "$TEST_TMP/.before3" "$J3" "the refusals changed nothing"
expect_exit 0 "a regular issue after the special one" -- "$JOURNAL" -C "$J3" build-issue 4 --add 11 \
    --date 2025-12-30
expect_stdout_match "^Published issue 4: Vol\. 1, No\. 3 \(2025\)" \
    "the regular issue takes the next regular number (3, after issues 1 and 2)"
check "the manifests and DOIs name the special issue S1 and the regular one 3" -- "$PY" -c '
import sys, yaml
j = sys.argv[1]
special = yaml.safe_load(open(j + "/issues/3.yaml"))
regular = yaml.safe_load(open(j + "/issues/4.yaml"))
assert (special["volume"], special["number"], special["special"]) == (1, "S1", "Ethics in practice"), special
assert (regular["volume"], regular["number"]) == (1, 3), regular
dois = [yaml.safe_load(open(j + "/submissions/%d/submission.yaml" % n))["doi"] for n in (10, 11)]
assert dois == ["10.99999/jcsrp.2025.1.S1.1", "10.99999/jcsrp.2025.1.3.1"], dois' "$J3"
expect_exit 0 "build-site with a special issue" -- "$JOURNAL" -C "$J3" build-site
S3=$J3/_site
check "the issue page is titled as the special issue" -- grep -qF \
    '<p class="kicker">Vol. 1, Special Issue 1 (2025)</p>' "$S3/issues/3/index.html"
check "so is the Russian one" -- grep -qF 'Т. 1, спецвыпуск 1 (2025)' "$S3/ru/issues/3/index.html"
check "the article's citation_issue is S1" -- grep -qF '<meta name="citation_issue" content="S1">' \
    "$S3/articles/10/index.html"
check "its APA citation, RIS, BibTeX, CSL-JSON and JATS name issue S1" -- "$PY" -c '
import json, re, sys, xml.etree.ElementTree as ET
d = sys.argv[1] + "/articles/10/"
page = open(d + "index.html", encoding="utf-8").read()
assert re.search(r"<i>1</i>\(S1\)", page), "APA"
assert "IS  - S1\r\n" in open(d + "citation.ris", encoding="utf-8", newline="").read(), "RIS"
assert "number = {S1}" in open(d + "citation.bib", encoding="utf-8").read(), "BibTeX"
assert json.load(open(d + "citation.json", encoding="utf-8"))[0]["issue"] == "S1", "CSL-JSON"
ns = {"x": "http://www.w3.org/1999/xlink"}
issue = ET.parse(d + "article.xml").getroot().find("front/article-meta/issue")
assert issue is not None and issue.text == "S1", "JATS"' "$S3"
check "the supplementary files are published beside the article, byte for byte" -- sh -c \
    "cmp '$J3/submissions/10/files/data.csv' '$S3/articles/10/supplementary/data.csv' &&
     cmp '$J3/submissions/10/files/raw/a b.zip' '$S3/articles/10/supplementary/raw/a b.zip'"
check "the article page links them with their type and size" -- "$PY" -c '
import sys
page = open(sys.argv[1] + "/articles/10/index.html", encoding="utf-8").read()
assert ("<a href=\"../../articles/10/supplementary/data.csv\" download type=\"text/csv\">data.csv</a> "
        "<span class=\"supplementary-meta\">(CSV, 18 B)</span>") in page, "data.csv"
assert ("<a href=\"../../articles/10/supplementary/raw/a%20b.zip\" download type=\"application/zip\">"
        "raw/a b.zip</a> <span class=\"supplementary-meta\">(ZIP, 19 B)</span>") in page, "a b.zip"
assert "<h2 id=\"supplementary-title\">Supplementary material</h2>" in page' "$S3"
check "the JATS lists them as supplementary-material" -- "$PY" -c '
import sys, xml.etree.ElementTree as ET
X = "{http://www.w3.org/1999/xlink}href"
meta = ET.parse(sys.argv[1] + "/articles/10/article.xml").getroot().find("front/article-meta")
got = [(e.get(X), e.get("mimetype"), e.get("mime-subtype"), e.findtext("label"))
       for e in meta.findall("supplementary-material")]
assert got == [("supplementary/data.csv", "text", "csv", "data.csv"),
               ("supplementary/raw/a%20b.zip", "application", "zip", "raw/a b.zip")], got' "$S3"
sed -e '0,/<article /s//<article xmlns="http:\/\/www.ncbi.nlm.nih.gov\/JATS1" /' \
    -e '0,/ dtd-version="1.3"/s// dtd-version="1.3d2"/' \
    "$S3/articles/10/article.xml" >"$TEST_TMP/article-10.xml"
expect_exit 0 "the JATS with supplementary-material is valid against the JATS 1.3 XSD" -- \
    env XML_CATALOG_FILES="$CROSSREF_SCHEMA_DIR/catalog.xml" xmllint --nonet --noout \
    --schema "$CROSSREF_SCHEMA_DIR/schemas/JATS-journalpublishing1-3d2-mathml3.xsd" \
    "$TEST_TMP/article-10.xml"
check "the attachments not named never reach the site" -- sh -c \
    "! grep -rqF PRIVATE-NOTE-5c1e '$S3' && ! grep -rqF private-notes '$S3' && ! find '$S3' -name page.html | grep -q ."
check "the regular issue keeps its number on the site" -- grep -qF \
    '<meta name="citation_issue" content="3">' "$S3/articles/11/index.html"
expect_exit 0 "the DOAJ export of the special issue" -- "$JOURNAL" -C "$J3" export doaj 3 -o "$TEST_TMP/doaj3.xml"
check "DOAJ's issue is S1" -- grep -qF '<issue>S1</issue>' "$TEST_TMP/doaj3.xml"
expect_exit 0 "the Crossref deposit of the special issue is valid (against the built-in schema)" -- \
    "$JOURNAL" -C "$J3" deposit 3 --dry-run -o "$TEST_TMP/deposit3.xml"
check "Crossref's issue is S1" -- grep -qF '<issue>S1</issue>' "$TEST_TMP/deposit3.xml"

expect_exit 0 "stats --json with a special issue" -- "$JOURNAL" -C "$J3" stats --json
check "stats labels the special issue as such and the regular one by its number" -- "$PY" -c '
import json, sys
labels = json.dumps(json.load(open(sys.argv[1])))
assert "Vol. 1, Special Issue 1 (2025)" in labels and "Vol. 1, No. 3 (2025)" in labels, labels[:2000]
assert "Vol. 1, No. 1 (2025)" in labels, labels[:2000]' "$OUT"

# A manifest edited by hand: supplementary material that is no attachment stops the build.
cp "$J3/issues/4.yaml" "$TEST_TMP/issue4.yaml"
sed -i 's/^- submission: 11$/- submission: 11\n  supplementary: [nope.csv]/' "$J3/issues/4.yaml"
check "the test's edit reached the manifest" -- grep -q "supplementary: \[nope.csv\]" "$J3/issues/4.yaml"
LINE=$(grep -n '^- submission: 11$' "$J3/issues/4.yaml" | cut -d: -f1)
tgit -C "$J3" commit -qam "List a file that is not there"
expect_exit 1 "build-site with supplementary material that is no attachment" -- "$JOURNAL" -C "$J3" build-site
expect_stderr_match "issues/4\.yaml:$LINE:.*lists nope\.csv as supplementary material of submission 11, which has no such attachment" \
    "the error names the manifest, its line and the file"
expect_exit 1 "doctor on supplementary material that is no attachment" -- "$JOURNAL" -C "$J3" doctor
expect_stdout_match "issues/4\.yaml:$LINE: .*issue 4 lists nope\.csv as supplementary material of submission 11, which has no such attachment" \
    "doctor reports it with the manifest's line"
sed -i 's/supplementary: \[nope.csv\]/supplementary: [page.html]/' "$J3/issues/4.yaml"
tgit -C "$J3" commit -qam "List a web page"
expect_exit 1 "build-site with a web page as supplementary material" -- "$JOURNAL" -C "$J3" build-site
expect_stderr_match "issues/4\.yaml:[0-9]+:[0-9]+: supplementary material 'page\.html': a web page, SVG, XML or script file would run" \
    "the error says why"
cp "$TEST_TMP/issue4.yaml" "$J3/issues/4.yaml"
tgit -C "$J3" commit -qam "Back as built"

# A manifest written before special series (a special edition with a regular number) still works.
cat >"$J3/issues/5.yaml" <<'YAML'
volume: 1
number: 4
year: 2025
date: 2025-12-31
special: "An older special edition"
articles: []
YAML
tgit -C "$J3" add issues/5.yaml && tgit -C "$J3" commit -qm "An older special edition"
expect_exit 0 "build-site with an older special edition" -- "$JOURNAL" -C "$J3" build-site
check "it keeps its regular number" -- grep -qF '<p class="kicker">Vol. 1, No. 4 (2025)</p>' \
    "$S3/issues/5/index.html"

# Scheduled: an issue dated in the future stays off the site until built again on its date.
J2=$TEST_TMP/scheduled
sample_journal "$J2" || finish
sed -i 's/^state: submitted/state: accepted/' "$J2/submissions/10/submission.yaml"
tgit -C "$J2" commit -qam "Accept 10"
expect_exit 0 "build-issue 3 --date in the future" -- "$JOURNAL" -C "$J2" build-issue 3 --date 2026-06-30
expect_stdout_match "^Scheduled issue 3" "the issue is scheduled"
check "the article waits as scheduled" -- grep -q "^state: scheduled" "$J2/submissions/10/submission.yaml"
expect_exit 0 "a scheduled issue can be rebuilt without --correct" -- \
    "$JOURNAL" -C "$J2" build-issue 3 --date 2026-06-30 --title "Summer"
expect_exit 0 "build-site before the date" -- "$JOURNAL" -C "$J2" build-site
check "the scheduled issue and article are not on the site" -- \
    sh -c "test ! -e '$J2/_site/issues/3' && test ! -e '$J2/_site/articles/10'"
export JOURNAL_TODAY=2026-07-01
expect_exit 1 "after the date, build-site asks for the issue to be published" -- "$JOURNAL" -C "$J2" build-site
expect_stderr_match "issues/3\.yaml:[0-9]+: lists submission 10, which is not published \(its state is scheduled\).*build-issue" \
    "the message says how"
expect_exit 0 "build-issue 3 on its date publishes it" -- "$JOURNAL" -C "$J2" build-issue 3
expect_stdout_match "^Published issue 3: " "... and says it published issue 3"
expect_stdout_no_match "^Updated" "... not that it updated it"
check "the article is published" -- grep -q "^state: published" "$J2/submissions/10/submission.yaml"
expect_exit 0 "build-site after publishing" -- "$JOURNAL" -C "$J2" build-site
check "the issue is on the site" -- test -e "$J2/_site/articles/10/index.html"

# A manifest edited by hand with a syntax error: build-issue and build-site name file, line
# and column, exit 1, and change nothing.
sed -i 's/^title: .*/title: [Summer/' "$J2/issues/3.yaml"
LINE=$(grep -n '^title: \[Summer$' "$J2/issues/3.yaml" | cut -d: -f1)
check "the broken manifest has its broken title line" -- test -n "$LINE"
tgit -C "$J2" commit -qam "Break issue 3 by hand"
snapshot "$J2" >"$TEST_TMP/.before2"
expect_exit 1 "build-issue on an issue whose manifest has a syntax error" -- \
    "$JOURNAL" -C "$J2" build-issue 3 --correct "Fix the title"
expect_stderr_match "issues/3\.yaml:[0-9]+:[0-9]+: invalid YAML: .* that starts on line $LINE$" \
    "build-issue names the manifest, line and column, and the line where the list opened"
expect_exit 1 "build-site with a manifest syntax error" -- "$JOURNAL" -C "$J2" build-site
expect_stderr_match "issues/3\.yaml:[0-9]+:[0-9]+: invalid YAML: .* that starts on line $LINE$" \
    "build-site names the manifest, line and column, and the line where the list opened"
expect_unchanged "$TEST_TMP/.before2" "$J2" "the refused commands changed nothing"
finish
