#!/usr/bin/env bash
# build-site makes a PDF of every published issue (issues/ID/issue.pdf): a cover with the journal
# and the issue in each of the journal's languages, a table of contents with each article's
# title, authors and page range (the manifest's, numbered from the galleys by build-issue), then
# every galley in the issue's order, joined by qpdf, with a bookmark per article and the issue
# and the journal in its metadata. The issue page links it with its size in both languages and
# the sitemap lists it; a rebuild with nothing changed leaves it as it was, an edit of an article
# makes its issue's again and no other; a theme made before the issue PDF (no issue-pdf
# template) still gets one, from the default theme compiled in; without qpdf the build stops
# before writing anything, naming the package; pdf: false makes none.
. "$(dirname "$0")/lib.sh"

for tool in weasyprint qpdf pdftotext pdfinfo; do
    command -v "$tool" >/dev/null || {
        fail "$tool is not installed (scripts/install-deps installs weasyprint, qpdf and poppler-utils)"
        finish
    }
done

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site
sed -i '/^pdf: false$/d' journal.yaml
tgit commit -qam "The galleys on"
# Real page ranges: issue 1 numbered from its galleys.
expect_exit 0 "build-issue 1 --correct numbers the issue's pages from the galleys" -- \
    "$JOURNAL" build-issue 1 --correct "Page numbers from the galleys"
check "... and the manifest has a page range for each article" -- \
    sh -c '[ "$(grep -cE "^ +pages: [0-9]+-[0-9]+$" issues/1.yaml)" = 5 ]'

json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$OUT" "$1"; }
expect_exit 0 "build-site makes the site with its galleys and issue PDFs" -- "$JOURNAL" build-site --json
check_eq "... and says it made the two issues' PDFs (--json)" "2 2" \
    "$(json_field issue_pdfs) $(json_field issue_pdfs_made)"
check "issue 1 has its PDF" -- test -f "$S/issues/1/issue.pdf"
check "issue 2 has its PDF" -- test -f "$S/issues/2/issue.pdf"

pages_of() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
# The issue's articles in its order (build-issue writes them as "- submission: N").
articles=$(grep -oE '^- submission: [0-9]+' issues/1.yaml | grep -oE '[0-9]+$' | tr '\n' ' ')
check_eq "issue 1 lists its 5 articles" 5 "$(echo $articles | wc -w)"
sum=0
for n in $articles; do
    sum=$((sum + $(pages_of "$S/articles/$n/article.pdf")))
done
ISSUE=$S/issues/1/issue.pdf
check_eq "the issue PDF has the cover, the contents and every page of its 5 galleys" \
    $((2 + sum)) "$(pages_of "$ISSUE")"

# in_text TEXT WANT: WANT is in TEXT as words, whatever the line breaks and hyphenation.
in_text() {
    python3 -c '
import re, sys
norm = lambda s: re.sub(r"\s+", " ", re.sub(r"[-\u2010]\s*", "", s))
sys.exit(0 if norm(sys.argv[2]) in norm(sys.argv[1]) else 1)' "$1" "$2"
}
# title_in_english N, in Python: the title of article N as the journal's first language (English)
# lists it, as on the issue page: its English translation's where it has one.
TITLE_PY='
import re
def title_in_english(n):
    front = open("submissions/%s/manuscript.md" % n, encoding="utf-8").read().split("\n---", 1)[0]
    en = re.search(r"^translations:\n(?:  .*\n|    .*\n)*?  en:\n    title: *\"?(.*?)\"?\s*$", front, re.M)
    return en.group(1) if en else re.search(r"^title: *\"?(.*?)\"?\s*$", front, re.M).group(1)
'
cover=$(pdftotext -enc UTF-8 -f 1 -l 1 "$ISSUE" -)
contents=$(pdftotext -enc UTF-8 -f 2 -l 2 "$ISSUE" -)
check "the cover has the journal's title in English and in Russian, the issue and the ISSN" -- \
    sh -c 'printf "%s" "$1" | tr -s " \n" "  " | grep -q "Journal of Civil Service Reform and Practice Vol. 1, No. 1 (2025)" &&
           printf "%s" "$1" | tr -s " \n" "  " | grep -q "Журнал реформы и практики государственной службы Т. 1, № 1 (2025)" &&
           printf "%s" "$1" | grep -q "ISSN 3051-7729"' _ "$cover"
check "page 2 is the table of contents" -- sh -c 'printf "%s\n" "$1" | sed "/^\s*$/d" | head -1 | grep -qx "Contents"' _ "$contents"
missing=""
while IFS=$'\t' read -r n title range; do
    in_text "$contents" "$title" || missing+="title of $n '$title'; "
    in_text "$contents" "pp. ${range/-/–}" || missing+="pages of $n 'pp. ${range/-/–}'; "
done < <(python3 - $articles <<PY
$TITLE_PY
import re, sys
issue = open("issues/1.yaml", encoding="utf-8").read()
ranges = dict(re.findall(r"submission: (\d+)\n\s+pages: (\S+)", issue))
for n in sys.argv[1:]:
    print("%s\t%s\t%s" % (n, title_in_english(n), ranges.get(n, "?")))
PY
)
check_eq "the contents lists every article's title and its page range from the manifest" "" "$missing"
first=$(set -- $articles; echo "$1")
check "page 3 is the first page of the first article's galley" -- \
    sh -c '[ "$(pdftotext -f 3 -l 3 "$1" - | md5sum)" = "$(pdftotext -f 1 -l 1 "$2" - | md5sum)" ]' _ \
    "$ISSUE" "$S/articles/$first/article.pdf"
info=$(pdfinfo "$ISSUE")
check "its metadata: the issue as title, the journal as subject" -- \
    sh -c 'printf "%s\n" "$1" | grep "^Title:" | grep -qF "Vol. 1, No. 1 (2025): Merit, Performance and Integrity in the Civil Service" &&
           printf "%s\n" "$1" | grep "^Subject:" | grep -qF "Journal of Civil Service Reform and Practice"' _ "$info"
outline=$(qpdf --json=2 --json-key=outlines "$ISSUE" | python3 -c '
import json, sys
for o in json.load(sys.stdin)["outlines"]:
    print("%s\t%s" % (o["destpageposfrom1"], o["title"]))')
expected_outline=$(python3 - "$S" $articles <<PY
$TITLE_PY
import re, subprocess, sys
site, numbers = sys.argv[1], sys.argv[2:]
print("2\tContents")
at = 3
for n in numbers:
    print("%d\t%s" % (at, title_in_english(n)))
    info = subprocess.run(["pdfinfo", "%s/articles/%s/article.pdf" % (site, n)], capture_output=True, text=True).stdout
    at += int(re.search(r"Pages:\s+(\d+)", info).group(1))
PY
)
check_eq "a bookmark for the contents and one for each article, at its first page" \
    "$expected_outline" "$outline"
check "... under which each article's galley's own bookmarks (its sections), at their pages" -- \
    python3 - "$ISSUE" "$S" $articles <<'PY'
import json, subprocess, sys
issue, site, numbers = sys.argv[1], sys.argv[2], sys.argv[3:]
def outline(path):
    out = subprocess.run(["qpdf", "--json=2", "--json-key=outlines", path], capture_output=True, text=True).stdout
    return json.loads(out)["outlines"]
def flat(items, shift):
    return [(o["title"], o["destpageposfrom1"] + shift, flat(o["kids"], shift)) for o in items]
mine = outline(issue)[1:]
assert len(mine) == len(numbers), len(mine)
for item, n in zip(mine, numbers):
    galley = outline("%s/articles/%s/article.pdf" % (site, n))
    if len(galley) == 1:
        galley = galley[0]["kids"]
    want = flat(galley, item["destpageposfrom1"] - 1)
    got = flat(item["kids"], 0)
    assert want and got == want, (n, got, want)
    assert not item["open"], n
PY

# The site links it and lists it.
check "the issue page links the issue PDF with its size" -- \
    grep -qE '<a href="../../issues/1/issue.pdf" type="application/pdf">PDF of the whole issue</a> <span class="issue-galley-size">\(PDF\)</span>' \
    "$S/issues/1/index.html"
check "... and the Russian issue page in Russian" -- \
    grep -qE '<a href="../../../issues/1/issue.pdf" type="application/pdf">PDF всего выпуска</a> <span class="issue-galley-size">\(PDF\)</span>' \
    "$S/ru/issues/1/index.html"
check "the sitemap lists both issue PDFs" -- \
    sh -c 'grep -q "<loc>$2issues/1/issue.pdf</loc>" "$1" && grep -q "<loc>$2issues/2/issue.pdf</loc>" "$1"' _ \
    "$S/sitemap.xml" "$TEST_BASE_URL"
check_site_valid "$S" "the site with its issue PDFs"

# Incremental: nothing changed, nothing made; an article edited, its issue's PDF made again.
stamp() { stat -c '%Y.%y %i %s' "$1"; }
before1=$(stamp "$S/issues/1/issue.pdf")
before2=$(stamp "$S/issues/2/issue.pdf")
expect_exit 0 "a rebuild with nothing changed" -- "$JOURNAL" build-site --json
check_eq "... makes no issue PDF" 0 "$(json_field issue_pdfs_made)"
check_eq "... leaves issue 1's PDF as it was" "$before1" "$(stamp "$S/issues/1/issue.pdf")"
check_eq "... and issue 2's" "$before2" "$(stamp "$S/issues/2/issue.pdf")"
listing_before="$(stamp "$S/issues/1/index.html") $(stamp "$S/index.html")"
sed -i 's/^Public procurement is where/Public procurement, as ever, is where/' submissions/3/manuscript.md
tgit commit -qam "Edit article 3"
expect_exit 0 "a rebuild after article 3 (issue 1) is edited" -- "$JOURNAL" build-site --json
check_eq "... makes one issue PDF" 1 "$(json_field issue_pdfs_made)"
check "... makes issue 1's PDF again, with the edit in it" -- \
    sh -c '[ "$(stat -c "%Y.%y %i %s" "$1")" != "$2" ] &&
           pdftotext "$1" - | tr -s " \n" "  " | grep -q "Public procurement, as ever, is where"' _ \
    "$S/issues/1/issue.pdf" "$before1"
check_eq "... and leaves issue 2's as it was" "$before2" "$(stamp "$S/issues/2/issue.pdf")"
# The body alone changed: no listing is made again (the issue page links the issue PDF with
# nothing an article's text changes).
check_eq "... and leaves the issue's page as it was" "$listing_before" \
    "$(stamp "$S/issues/1/index.html") $(stamp "$S/index.html")"

# A theme made before the issue PDF: the default theme's template, compiled in.
tgit rm -q themes/default/templates/issue-pdf.mustache
tgit commit -qm "A theme without the issue PDF's template"
expect_exit 0 "build-site with a theme that has no issue-pdf template" -- \
    "$JOURNAL" build-site -o "$TEST_TMP/old-theme"
check "... still makes the issue PDF, with its cover and contents" -- \
    sh -c 'pdftotext -f 2 -l 2 "$1" - | grep -qx "Contents"' _ "$TEST_TMP/old-theme/issues/1/issue.pdf"

# No qpdf: a clear error naming the package, before anything is written.
expect_exit 1 "a build whose qpdf is missing fails" -- \
    env JOURNAL_QPDF="$TEST_TMP/no-such-qpdf" "$JOURNAL" build-site -o "$TEST_TMP/no-qpdf"
expect_stderr_match "JOURNAL_QPDF=.*no-such-qpdf: no such program.*apt-get install qpdf.*--no-pdf" \
    "the error names the Debian package and how to build without PDFs"
check "... and writes nothing" -- test ! -e "$TEST_TMP/no-qpdf"

# No PDFs: no issue PDF, no link.
echo "pdf: false" >>journal.yaml
tgit commit -qam "No PDFs"
expect_exit 0 "build-site with pdf: false" -- "$JOURNAL" build-site
check "... removes the issue PDFs and their links" -- \
    sh -c '! ls "$1"/issues/*/issue.pdf 2>/dev/null && ! grep -rq "issue.pdf" "$1"' _ "$S"

finish
