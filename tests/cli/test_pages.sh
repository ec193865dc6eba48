#!/usr/bin/env bash
# Real page numbers (#17): build-issue typesets the issue's articles as build-site will and
# numbers their pages from the galleys, continuously through the volume: the second issue of a
# volume starts on the page after the first's last. The manifest says so (pagination: typeset)
# and its ranges are the galleys' page counts (pdfinfo), which the page numbers printed on them
# start from; the article page's meta tags, JATS, Crossref and DOAJ carry them. A galley whose
# count no longer matches its range (the theme changed) is a warning of every build-site and a
# problem journal doctor reports. build-issue only lays the galleys out to count their pages,
# build-site typesets them, each once (an engine that logs its jobs counts them), and a build
# into another folder takes them from the galley cache (.journal/galleys). With
# pdf: false the ranges are estimates (pagination: estimated): build-issue says so, and Crossref
# and DOAJ get no page range (still valid against their schemas).
. "$(dirname "$0")/lib.sh"

for tool in weasyprint pdfinfo pdftotext xmllint; do
    command -v "$tool" >/dev/null || {
        fail "$tool is not installed (scripts/install-deps installs weasyprint and poppler-utils)"
        finish
    }
done
SPECS=$SOURCE_DIR/tests/specs
XSD=$CROSSREF_SCHEMA_DIR/schemas/crossref5.3.1.xsd
unset JOURNAL_CROSSREF_SCHEMA_DIR
# crossref_valid FILE: xmllint against Crossref's schema 5.3.1, offline.
crossref_valid() {
    XML_CATALOG_FILES=$CROSSREF_SCHEMA_DIR/catalog.xml xmllint --nonet --noout --schema "$XSD" "$1"
}

# unpublish DIR N...: the sample's published articles N... back to accepted, out of any issue,
# and the sample's issues gone: build-issue publishes them again.
unpublish() {
    local dir=$1
    shift
    rm -f "$dir"/issues/*.yaml
    for n in "$@"; do
        sed -i -e 's/^state: published$/state: accepted/' -e '/^published: /d' -e '/^issue: /d' \
            -e '/^doi: /d' "$dir/submissions/$n/submission.yaml"
    done
    # The other published articles leave the site with their issues.
    for f in "$dir"/submissions/*/submission.yaml; do
        grep -q '^state: published$' "$f" && sed -i 's/^state: published$/state: withdrawn/' "$f"
    done
    tgit -C "$dir" add -A && tgit -C "$dir" commit -qm "Articles to publish again"
}

# pdf_pages FILE: pdfinfo's page count.
pdf_pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
# range_of ISSUE N: article N's range in issues/ISSUE.yaml.
range_of() {
    python3 - "$J/issues/$1.yaml" "$2" <<'PY'
import sys, yaml
for a in yaml.safe_load(open(sys.argv[1]))["articles"]:
    if isinstance(a, dict) and a["submission"] == int(sys.argv[2]):
        print(a.get("pages", ""))
PY
}

# ---- PDF galleys on: two issues of one volume ----
J=$TEST_TMP/typeset
sample_journal "$J" || finish
# The galleys on (sample_journal turns them off); no search index, which is not what this tests.
sed -i '/^pdf: false$/d' "$J/journal.yaml"
echo "search: false" >>"$J/journal.yaml"
unpublish "$J" 1 2 6 7
cd "$J" || finish

# Without WeasyPrint build-issue cannot number pages: it says so, and how to do without.
expect_exit 1 "build-issue with no WeasyPrint fails" -- \
    env JOURNAL_PDF_ENGINE="$TEST_TMP/no-such-weasyprint" "$JOURNAL" build-issue 1 --add 1 2 --dry-run
expect_stderr_match "no-such-weasyprint: no such program.*'pdf: false' in journal.yaml \(page ranges are then estimates\)" \
    "build-issue's error names the way without galleys that applies to it"
# An engine that logs every job it is given (a wrapper that is not a Python script is run as
# the Python, and runs Debian's): one JSON line a galley, with "pdf" when a PDF is written.
cat >"$TEST_TMP/logging-weasyprint" <<SH
#!/bin/sh
tee -a "$TEST_TMP/engine-jobs" | $(sed -n '1s/^#! *//p' "$(command -v weasyprint)") "\$@"
SH
chmod +x "$TEST_TMP/logging-weasyprint"
: >"$TEST_TMP/engine-jobs"
export JOURNAL_PDF_ENGINE=$TEST_TMP/logging-weasyprint
# jobs pdf|layout: "N:COUNT" for each article the engine was given jobs of that kind.
jobs() {
    python3 - "$TEST_TMP/engine-jobs" "$1" <<'PY'
import collections, json, re, sys
count = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8"):
    job = json.loads(line)
    article = re.search(r"/articles/([0-9]+)/$", job["base_url"])
    # (An issue PDF's cover and contents are jobs too, under /issues/ID/: not galleys.)
    if article and bool(job.get("pdf")) == (sys.argv[2] == "pdf"):
        count[int(article.group(1))] += 1
print(" ".join("%d:%d" % (n, count[n]) for n in sorted(count)))
PY
}
expect_exit 0 "build-issue --dry-run typesets the articles to number their pages" -- \
    "$JOURNAL" build-issue 1 --add 1 2 --date 2025-06-30 --dry-run
check_eq "... laying each out once, and writing no PDF" "1:1 2:1 /" "$(jobs layout) /$(jobs pdf)"
expect_stdout_no_match "estimated" "the dry run's ranges are the galleys', not estimates"
dry=$(grep -o 'pp\. [0-9]*–[0-9]*' "$OUT" | tr '\n' ' ')
expect_exit 0 "build-issue 1 publishes two articles" -- \
    "$JOURNAL" build-issue 1 --add 1 2 --date 2025-06-30
check_eq "the dry run showed the ranges build-issue then published" "$dry" \
    "$(grep -o 'pp\. [0-9]*–[0-9]*' "$OUT" | tr '\n' ' ')"
check_eq "... which took the page counts of its dry run from the galley cache" "1:1 2:1" \
    "$(jobs layout)"
expect_exit 0 "build-issue 2 publishes two more in the same volume" -- \
    "$JOURNAL" build-issue 2 --add 6 7 --date 2025-12-15
check "issue 2 is in volume 1" -- grep -q '^volume: 1$' issues/2.yaml
for i in 1 2; do
    check "issues/$i.yaml says its pages are typeset" -- grep -q '^pagination: typeset$' "issues/$i.yaml"
done

expect_exit 0 "build-site makes the galleys" -- "$JOURNAL" build-site
expect_stdout_no_match "PDF galley .* has [0-9]+" "build-site finds every galley as long as its range"
# build-issue laid the articles out, build-site typeset them: each galley once in all.
check_eq "build-issue and build-site typeset each galley once, build-issue none" \
    "1:1 2:1 6:1 7:1 / 1:1 2:1 6:1 7:1" "$(jobs pdf) / $(jobs layout)"
: >"$TEST_TMP/engine-jobs"
expect_exit 0 "build-site into another folder" -- "$JOURNAL" build-site --json -o "$TEST_TMP/elsewhere"
check_eq "... takes the four galleys from the galley cache, typesetting none" "0 4 " \
    "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["typeset"], j["reused"])' "$OUT") $(jobs pdf)"
check "... the same files as the first build's" -- \
    sh -c 'for n in 1 2 6 7; do cmp "$1/articles/$n/article.pdf" "$2/articles/$n/article.pdf" || exit 1; done' _ \
    "$J/_site" "$TEST_TMP/elsewhere"
unset JOURNAL_PDF_ENGINE
S=$J/_site
order=$(python3 - issues/1.yaml issues/2.yaml <<'PY'
import sys, yaml
for f in sys.argv[1:]:
    print(" ".join(str(a["submission"]) for a in yaml.safe_load(open(f))["articles"]))
PY
)
prev_last=0
for n in $order; do
    issue=$(grep -m1 '^issue: ' "submissions/$n/submission.yaml" | sed 's/issue: //')
    range=$(range_of "$issue" "$n")
    first=${range%-*} last=${range#*-}
    count=$(pdf_pages "$S/articles/$n/article.pdf")
    check_eq "article $n: its range $range is its galley's page count (pdfinfo)" "$count" \
        "$((last - first + 1))"
    check_eq "article $n starts on the page after the last before it in the volume" \
        "$((prev_last + 1))" "$first"
    prev_last=$last
    # The galley's own page numbers run from its first page: the last page's foot says last.
    check "article $n: the galley's last page is numbered $last" -- \
        sh -c "pdftotext -f $count -l $count '$S/articles/$n/article.pdf' - | grep -qx '$last'"
    page=$S/articles/$n/index.html
    check "article $n: schema.org pageStart and pageEnd are $first and $last" -- \
        grep -q "\"pageStart\":\"$first\",\"pageEnd\":\"$last\"" "$page"
    # Google Scholar's tags are on scholarly articles' pages (not on an editorial's).
    if grep -q 'name="citation_title"' "$page"; then
        check "article $n: citation_firstpage and citation_lastpage are $first and $last" -- \
            sh -c "grep -q 'name=\"citation_firstpage\" content=\"$first\"' '$page' &&
                   grep -q 'name=\"citation_lastpage\" content=\"$last\"' '$page'"
    fi
    check "article $n: JATS fpage and lpage are $first and $last" -- \
        sh -c "grep -q '<fpage>$first</fpage>' '$S/articles/$n/article.xml' &&
               grep -q '<lpage>$last</lpage>' '$S/articles/$n/article.xml'"
done
i2_first=$(range_of 2 "$(echo "$order" | sed -n 2p | cut -d' ' -f1)")
check "issue 2 does not start at page 1" -- test "${i2_first%-*}" -gt 1

expect_exit 0 "deposit --dry-run for issue 2" -- "$JOURNAL" deposit 2 --dry-run -o "$TEST_TMP/crossref.xml"
check "the deposit validates against crossref5.3.1.xsd" -- \
    crossref_valid "$TEST_TMP/crossref.xml"
expect_exit 0 "export doaj 2" -- "$JOURNAL" export doaj 2 -o "$TEST_TMP/doaj.xml"
check "the DOAJ export validates against doajArticles.xsd" -- \
    env XML_CATALOG_FILES="$SPECS/doaj/catalog.xml" xmllint --nonet --noout \
    --schema "$SPECS/doaj/doajArticles.xsd" "$TEST_TMP/doaj.xml"
want=$(for n in $(echo "$order" | sed -n 2p); do r=$(range_of 2 "$n"); echo "${r%-*} ${r#*-}"; done)
check_eq "Crossref's first_page and last_page are the galleys' ranges" "$want" \
    "$(python3 - "$TEST_TMP/crossref.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"c": "http://www.crossref.org/schema/5.3.1"}
for a in ET.parse(sys.argv[1]).getroot().iter("{http://www.crossref.org/schema/5.3.1}journal_article"):
    print(a.findtext("c:pages/c:first_page", namespaces=ns), a.findtext("c:pages/c:last_page", namespaces=ns))
PY
)"
check_eq "DOAJ's startPage and endPage are the galleys' ranges" "$want" \
    "$(python3 - "$TEST_TMP/doaj.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
for r in ET.parse(sys.argv[1]).getroot().findall("record"):
    print(r.findtext("startPage"), r.findtext("endPage"))
PY
)"

"$JOURNAL" doctor >"$OUT" 2>"$ERR"
expect_stdout_no_match "PDF galley" "journal doctor finds every galley as long as its range"

# A galley whose page count differs from its range (the theme's type grew) is a warning, on
# this build and the next, naming the article and both counts.
first_article=$(echo "$order" | head -1 | cut -d' ' -f1)
sed -i 's/^  font: 10pt\/1.42 /  font: 16pt\/2.2 /' themes/default/templates/pdf-style.mustache
tgit commit -qam "A larger type"
expect_exit 0 "build-site with the larger type" -- "$JOURNAL" build-site
expect_stderr_match "submission $first_article has pages $(range_of 1 "$first_article") .*/article\.pdf has [0-9]+" \
    "build-site warns of the galley whose count differs from the manifest's range"
expect_exit 0 "build-site again, nothing changed" -- "$JOURNAL" build-site
expect_stderr_match "submission $first_article has pages $(range_of 1 "$first_article")" \
    "the warning stays until the issue is renumbered"

"$JOURNAL" doctor >"$OUT" 2>"$ERR"
expect_stdout_match "submission $first_article has pages $(range_of 1 "$first_article") \([0-9]+\) in issue 1, but its PDF galley .*/article\.pdf has [0-9]+" \
    "journal doctor reports the galley whose count differs from its range"

# ---- pdf: false: estimates, never sent ----
E=$TEST_TMP/estimated
sample_journal "$E" || finish
unpublish "$E" 6 7
cd "$E" || finish
expect_exit 0 "build-issue 2 without galleys" -- "$JOURNAL" build-issue 2 --add 6 7 --date 2025-12-15
expect_stdout_match "The page ranges are estimated" "build-issue says the ranges are estimates, and why"
check "issues/2.yaml says its pages are estimated" -- grep -q '^pagination: estimated$' issues/2.yaml
expect_exit 0 "deposit --dry-run" -- "$JOURNAL" deposit 2 --dry-run -o "$TEST_TMP/crossref-est.xml"
check "the deposit without pages validates against crossref5.3.1.xsd" -- \
    crossref_valid "$TEST_TMP/crossref-est.xml"
check "Crossref is sent no page range" -- sh -c "! grep -q '<pages>' '$TEST_TMP/crossref-est.xml'"
expect_exit 0 "export doaj 2" -- "$JOURNAL" export doaj 2 -o "$TEST_TMP/doaj-est.xml"
check "the DOAJ export without pages validates against doajArticles.xsd" -- \
    env XML_CATALOG_FILES="$SPECS/doaj/catalog.xml" xmllint --nonet --noout \
    --schema "$SPECS/doaj/doajArticles.xsd" "$TEST_TMP/doaj-est.xml"
check "DOAJ is sent no page range" -- sh -c "! grep -q 'startPage\|endPage' '$TEST_TMP/doaj-est.xml'"

finish
