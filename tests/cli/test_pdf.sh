#!/usr/bin/env bash
# build-site typesets a PDF galley of every published article (articles/N/article.pdf) with
# WeasyPrint: the title, every author (a Chinese name among them), the DOI and the Russian text
# are in it, its metadata names the article, every font is embedded; the page links it, its
# head gives citation_pdf_url and the sitemap lists it; a rebuild with nothing changed typesets
# nothing, an edit typesets that article's only, and one WeasyPrint process per build thread
# typesets many galleys; a font folder added typesets every galley again; a figure the text
# shows is published beside the page and is in the galley, an attachment not shown or kept
# private is not; --no-pdf and pdf: false make none (and the build after --no-pdf takes the
# galleys from the galley cache); a missing
# engine is an error naming the Debian package, and nothing is written. The first pages of an
# English and a Russian article are kept as PNG in $JOURNAL_ARTIFACTS (build-asan/artifacts/pdf).
. "$(dirname "$0")/lib.sh"

for tool in weasyprint pdftotext pdfinfo pdffonts pdftoppm pdfimages; do
    command -v "$tool" >/dev/null || {
        fail "$tool is not installed (scripts/install-deps installs weasyprint and poppler-utils)"
        finish
    }
done
ARTIFACTS=${JOURNAL_ARTIFACTS:-$(dirname "$JOURNAL")/artifacts/pdf}

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site
# The galleys on (sample_journal turns them off), a DOI for every published article, and a
# co-author whose name is written in Chinese characters.
sed -i '/^pdf: false$/d' journal.yaml
published=()
for f in submissions/*/submission.yaml; do
    grep -q '^state: published' "$f" || continue
    n=$(basename "$(dirname "$f")")
    published+=("$n")
    echo "doi: 10.5555/jcsrp.test.$n" >>"$f"
done
python3 - submissions/3/manuscript.md <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
anchor = "  - name: Mihaela Rusnac\n"
s = s.replace(anchor, "  - name: 王小明\n    name_latin: Wang Xiaoming\n    affiliations:\n"
              "      - name: Renmin University of China\n        country: CN\n" + anchor, 1)
open(p, "w", encoding="utf-8").write(s)
PY
# A figure among article 3's attachments, shown by its text (as Word conversion links one);
# an attachment the text does not show, and a figure the text shows that the editor keeps
# private: neither is published.
mkdir -p submissions/3/files/media
cp "$SOURCE_DIR/tests/fixtures/word/figure.png" submissions/3/files/media/chart.png
cp "$SOURCE_DIR/tests/fixtures/word/figure.png" submissions/3/files/unused.png
cp "$SOURCE_DIR/tests/fixtures/word/figure.png" submissions/3/files/private.png
printf 'private: [private.png]\n' >>submissions/3/submission.yaml
printf '\n![A chart of the tenders](files/media/chart.png)\n\n![Kept private](files/private.png)\n' \
    >>submissions/3/manuscript.md
# A citation in article 1's abstract: the galley shows it in APA form, not as the key.
sed -i 's/^  Over the past decade Kazakhstan has moved/  Following [@evans1999], over the past decade Kazakhstan has moved/' \
    submissions/1/manuscript.md
tgit add -A
tgit commit -qam "DOIs, the galleys on, a Chinese co-author, a figure, a citation in an abstract"

expect_exit 0 "build-site makes the site with its PDF galleys" -- "$JOURNAL" build-site --json
check_eq "every published article (${#published[@]}) was typeset" "${#published[@]}" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["typeset"])' "$OUT")"

# The figure: on the site beside the page, which shows it, and in the galley.
check "the figure the text shows is published beside its page" -- \
    cmp "$S/articles/3/files/media/chart.png" "$SOURCE_DIR/tests/fixtures/word/figure.png"
img=$(grep -oE '<img src="[^"]*chart\.png"' "$S/articles/3/index.html" | head -1 | sed -E 's/.*src="([^"]*)"/\1/')
check "... and the page's <img> ($img) resolves to it" -- test -n "$img" -a -f "$S/articles/3/$img"
check "... and the galley contains it (pdfimages -list)" -- \
    sh -c 'test "$(pdfimages -list "$1" | tail -n +3 | wc -l)" -ge 1' _ "$S/articles/3/article.pdf"
check "an attachment the text does not show is not published" -- \
    sh -c '! find "$1" -name unused.png | grep -q .' _ "$S"
check "a figure the editor keeps private is not published" -- \
    sh -c '! find "$1" -name private.png | grep -q .' _ "$S"

total=0
for n in "${published[@]}"; do
    total=$((total + $(pdfinfo "$S/articles/$n/article.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')))
done
check_eq "the pages build-site counted in the galleys (util/pdfpages.c) are pdfinfo's" "$total" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["typeset_pages"])' "$OUT")"

# in_text TEXT WANT: WANT is in TEXT (pdftotext's) as words, whatever the line breaks. Hyphens
# are left out of both: WeasyPrint hyphenates (U+2010) at a break, and pdftotext joins a word
# broken after a hyphen of its own (peer-|learning gives peerlearning).
in_text() {
    python3 -c '
import re, sys
norm = lambda s: re.sub(r"\s+", " ", re.sub(r"[-\u2010]\s*", "", s))
sys.exit(0 if norm(sys.argv[2]) in norm(sys.argv[1]) else 1)' "$1" "$2"
}

for n in "${published[@]}"; do
    pdf=$S/articles/$n/article.pdf
    if [ ! -f "$pdf" ]; then
        fail "article $n has a PDF galley"
        continue
    fi
    text=$(pdftotext -enc UTF-8 "$pdf" - | tr -s ' \n' '  ')
    python3 - "$J/submissions/$n/manuscript.md" "$n" >"$TEST_TMP/expect" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
front = s.split("\n---", 1)[0]
title = re.search(r'^title: *"?(.*?)"?\s*$', front, re.M).group(1)
print(title)
for name in re.findall(r'^  - name: *"?(.*?)"?\s*$', front, re.M):
    print(name)
print("10.5555/jcsrp.test." + sys.argv[2])
PY
    missing=""
    [ "$(wc -l <"$TEST_TMP/expect")" -ge 3 ] || missing="(no title, author and DOI read from the manuscript)"
    while IFS= read -r want; do
        in_text "$text" "$want" || missing+="'$want' "
    done <"$TEST_TMP/expect"
    check_eq "article $n: pdftotext finds the title, every author and the DOI" "" "$missing"
    info=$(pdfinfo "$pdf")
    title=$(head -1 "$TEST_TMP/expect")
    check "article $n: pdfinfo shows its title, its first author and a page count" -- \
        sh -c 'printf "%s\n" "$1" | grep "^Title:" | grep -qF "$2" &&
               printf "%s\n" "$1" | grep "^Author:" | grep -qF "$3" &&
               printf "%s\n" "$1" | grep -qE "^Pages: +[1-9]"' _ "$info" "$title" \
        "$(sed -n 2p "$TEST_TMP/expect")"
    # pdffonts: after two lines of heading, the emb column is the fifth from the end.
    check_eq "article $n: every font is embedded" "" \
        "$(pdffonts "$pdf" | tail -n +3 | awk '$(NF-4) != "yes" {print $1}')"
    check "article $n: a tagged PDF (pdf/ua-1)" -- sh -c 'printf "%s\n" "$1" | grep -q "^Tagged: *yes"' _ "$info"
done

abstract_text=$(pdftotext -enc UTF-8 -l 1 "$S/articles/1/article.pdf" - | tr -s ' \n' '  ')
check "the abstract's citation is in the galley's first page as APA text" -- \
    in_text "$abstract_text" "Following (Evans & Rauch, 1999), over the past decade"
check "... and not as its key" -- sh -c '! printf "%s" "$1" | grep -qF "@evans1999"' _ "$abstract_text"

# The Russian article (2): its Cyrillic text as the manuscript has it, and a Chinese name in 3.
ru_text=$(pdftotext -enc UTF-8 "$S/articles/2/article.pdf" - | tr -s ' \n' '  ')
ru_words=$(python3 -c '
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"^abstract: *[|>]-?\n((?:  .*\n)+)", s, re.M)
print(" ".join(m.group(1).split()[:12]))' "$J/submissions/2/manuscript.md")
if printf '%s' "$ru_words" | grep -qP '[\x{0400}-\x{04FF}]' && in_text "$ru_text" "$ru_words"; then
    pass "the Russian galley has its Cyrillic abstract intact (its first twelve words)"
else
    fail "the Russian galley has its Cyrillic abstract intact" "words: $ru_words" "text: ${ru_text:0:600}"
fi
check "the Chinese name is in the galley as text, not missing glyphs" -- \
    sh -c 'pdftotext -enc UTF-8 "$1" - | grep -q "王小明"' _ "$S/articles/3/article.pdf"
check "... and its CJK font is embedded" -- \
    sh -c 'pdffonts "$1" | grep -q "CJK"' _ "$S/articles/3/article.pdf"

# Running heads and page numbers: page 2 opens with the journal's title and the article's
# short title and ends with its number; page 1 has the masthead instead.
page2=$(pdftotext -enc UTF-8 -f 2 -l 2 "$S/articles/3/article.pdf" - | sed '/^\s*$/d')
check "page 2 of a galley has the journal and the short title as running heads, and its number" -- \
    sh -c 'printf "%s\n" "$1" | head -2 | grep -qx "Journal of Civil Service Reform and Practice" &&
           printf "%s\n" "$1" | head -2 | grep -q "^Does e-procurement reduce discretion?" &&
           printf "%s\n" "$1" | tail -1 | grep -qx "2"' _ "$page2"
check "page 1 has the masthead (ISSN, volume and number) and no running head" -- \
    sh -c 'pdftotext -f 1 -l 1 "$1" - | sed "/^\s*$/d" | head -3 | tr "\n" " " |
           grep -q "^Journal of Civil Service Reform and Practice ISSN [0-9X-]* · Vol. 1, No. 1 (2025)"' _ \
    "$S/articles/3/article.pdf"

# Footnotes at the foot of the page: article 3's first note is on the page that calls it.
note_page=$(python3 - "$S/articles/3/article.pdf" <<'PY'
import re, subprocess, sys
pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", sys.argv[1]], capture_output=True, text=True).stdout).group(1))
norm = lambda s: re.sub(r"\s+", " ", re.sub(r"[-\u2010]\s*", "", s))
call = note = None
for i in range(1, pages + 1):
    t = norm(subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(i), "-l", str(i), sys.argv[1], "-"], capture_output=True, text=True).stdout)
    if "Less is known about what happens to discretion" in t: call = i
    if "in a neutral sense to mean the room for judgement" in t: note = i
print(call, note)
PY
)
check "a footnote is set at the foot of the page that calls it, not at the end (pages: $note_page)" -- \
    sh -c 'set -- $1; [ "$1" != None ] && [ "$1" = "$2" ]' _ "$note_page"

# The first pages of an English and a Russian galley, to look at.
mkdir -p "$ARTIFACTS"
check "the first page of an English galley rendered as PNG (artifact)" -- \
    pdftoppm -png -r 72 -f 1 -l 1 -singlefile "$S/articles/3/article.pdf" "$ARTIFACTS/article-3-en-page-1"
check "the first page of a Russian galley rendered as PNG (artifact)" -- \
    pdftoppm -png -r 72 -f 1 -l 1 -singlefile "$S/articles/2/article.pdf" "$ARTIFACTS/article-2-ru-page-1"

# The site points to them.
check "the article page links its PDF" -- grep -q 'href="../../articles/3/article.pdf"' "$S/articles/3/index.html"
check "... and gives citation_pdf_url" -- \
    grep -q "<meta name=\"citation_pdf_url\" content=\"${TEST_BASE_URL}articles/3/article.pdf\">" \
    "$S/articles/3/index.html"
check "the issue's table of contents links each of its articles' PDFs" -- \
    sh -c '[ "$(grep -o "href=\"../../articles/[0-9]*/article.pdf\"" "$1" | sort -u | wc -l)" = 5 ]' _ \
    "$S/issues/1/index.html"
check "the sitemap lists every PDF" -- \
    sh -c '[ "$(grep -c "<loc>[^<]*/articles/[0-9]*/article.pdf</loc>" "$1")" = "$2" ]' _ \
    "$S/sitemap.xml" "${#published[@]}"
check_site_valid "$S" "the site with its galleys"

# A rebuild with nothing changed typesets nothing; an edit typesets only that article.
stamp() { stat -c '%Y.%y %i' "$S"/articles/*/article.pdf; }
before=$(stamp)
expect_exit 0 "a rebuild with nothing changed" -- "$JOURNAL" build-site --json
check_eq "... typesets no PDF" 0 \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["typeset"])' "$OUT")"
check_eq "... and leaves every PDF as it was" "$before" "$(stamp)"
sed -i 's/^Public procurement is where/Public procurement, as ever, is where/' submissions/3/manuscript.md
tgit commit -qam "Edit article 3"
expect_exit 0 "a rebuild after article 3 is edited" -- "$JOURNAL" build-site --json
check_eq "... typesets that article's PDF only" 1 \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["typeset"])' "$OUT")"
check "... with the edit in it" -- \
    sh -c 'pdftotext "$1" - | tr -s " \n" "  " | grep -q "Public procurement, as ever, is where"' _ \
    "$S/articles/3/article.pdf"

# The fonts installed are among a galley's inputs: a font folder of the user's (under
# XDG_DATA_HOME, which Fontconfig reads) that the last build did not have typesets every
# galley again, not from the galley cache.
mkdir -p "$TEST_TMP/xdg"
expect_exit 0 "a build with the user's data folder elsewhere" -- \
    env XDG_DATA_HOME="$TEST_TMP/xdg" "$JOURNAL" build-site --json
expect_exit 0 "... and again" -- env XDG_DATA_HOME="$TEST_TMP/xdg" "$JOURNAL" build-site --json
check_eq "... typesets nothing the second time" 0 \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["typeset"])' "$OUT")"
mkdir "$TEST_TMP/xdg/fonts"
expect_exit 0 "a build once the user has a font folder" -- \
    env XDG_DATA_HOME="$TEST_TMP/xdg" "$JOURNAL" build-site --json
check_eq "... typesets every galley again" "${#published[@]}" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["typeset"])' "$OUT")"

# One WeasyPrint process typesets many galleys: an engine that logs each start (a wrapper
# that is not a Python script is run as the Python, and runs Debian's) is started once per
# build thread, not once per galley. Another engine file: every galley is typeset again.
cat >"$TEST_TMP/logging-weasyprint" <<SH
#!/bin/sh
echo started >>"$TEST_TMP/engine-starts"
exec $(sed -n '1s/^#! *//p' "$(command -v weasyprint)") "\$@"
SH
chmod +x "$TEST_TMP/logging-weasyprint"
: >"$TEST_TMP/engine-starts"
expect_exit 0 "a build with -j 2 that typesets every galley again" -- \
    env JOURNAL_PDF_ENGINE="$TEST_TMP/logging-weasyprint" "$JOURNAL" build-site -j 2 --json
check_eq "... typesets the ${#published[@]} galleys" "${#published[@]}" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["typeset"])' "$OUT")"
starts=$(wc -l <"$TEST_TMP/engine-starts")
check "... with at most two WeasyPrint processes, one per thread (started $starts times)" -- \
    test "$starts" -ge 1 -a "$starts" -le 2
check "... and the figure is still in article 3's galley" -- \
    sh -c 'test "$(pdfimages -list "$1" | tail -n +3 | wc -l)" -ge 1' _ "$S/articles/3/article.pdf"

# A missing engine: a clear error naming the package, exit 1, nothing written.
expect_exit 1 "a build whose engine is missing fails" -- \
    env JOURNAL_PDF_ENGINE="$TEST_TMP/no-such-weasyprint" "$JOURNAL" build-site -o "$TEST_TMP/new-site"
expect_stderr_match "no-such-weasyprint: no such program.*apt-get install weasyprint.*--no-pdf" \
    "the error names the Debian package and how to build without PDFs"
check "... and writes nothing" -- test ! -e "$TEST_TMP/new-site"
expect_exit 1 "a build with no weasyprint on PATH fails too" -- \
    env PATH="$TEST_TMP/empty-path" "$JOURNAL" build-site -o "$TEST_TMP/new-site"
expect_stderr_match "WeasyPrint, which is not installed: install Debian's weasyprint" \
    "the error says WeasyPrint is not installed and names the package"
check "... and writes nothing" -- test ! -e "$TEST_TMP/new-site"

# A failing engine: the build fails and the site is as it was.
cat >"$TEST_TMP/failing-weasyprint" <<'SH'
#!/bin/sh
echo "CRITICAL: the typesetter broke" >&2
exit 2
SH
chmod +x "$TEST_TMP/failing-weasyprint"
sed -i 's/as ever, is where/as always, is where/' submissions/3/manuscript.md
tgit commit -qam "Edit article 3 again"
site_before=$(cd "$S" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
expect_exit 3 "a build whose engine fails fails" -- \
    env JOURNAL_PDF_ENGINE="$TEST_TMP/failing-weasyprint" "$JOURNAL" build-site
expect_stderr_match "PDF galley of article [0-9]+: WeasyPrint .*failed with exit status 2: CRITICAL: the typesetter broke" \
    "the error names the article, the engine and what it said (another engine: every galley is typeset again)"
check_eq "the site is left as the last build made it" "$site_before" \
    "$(cd "$S" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)"

# --no-pdf and pdf: false: no galley, no link, nothing in the sitemap.
expect_exit 0 "build-site --no-pdf" -- "$JOURNAL" build-site --no-pdf -o "$TEST_TMP/no-pdf"
check "... makes no PDF" -- sh -c '! ls "$1"/articles/*/article.pdf 2>/dev/null' _ "$TEST_TMP/no-pdf"
check "... and no page links one" -- sh -c '! grep -rq "article.pdf" "$1"' _ "$TEST_TMP/no-pdf"
expect_exit 0 "build-site --no-pdf over the site with galleys" -- "$JOURNAL" build-site --no-pdf
check "... removes them with their links" -- \
    sh -c '! ls "$1"/articles/*/article.pdf 2>/dev/null && ! grep -rq "article.pdf" "$1"' _ "$S"
expect_exit 0 "build-site with the galleys again" -- "$JOURNAL" build-site --json
check_eq "... takes them from the galley cache, typesetting only article 3's (edited since)" \
    "1 $((${#published[@]} - 1))" \
    "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["typeset"], j["reused"])' "$OUT")"
check "... and article 3's galley has the edit" -- \
    sh -c 'pdftotext "$1" - | tr -s " \n" "  " | grep -q "Public procurement, as always, is where"' _ \
    "$S/articles/3/article.pdf"
echo "pdf: false" >>journal.yaml
tgit commit -qam "No galleys"
expect_exit 0 "build-site with pdf: false in journal.yaml, with no engine at all" -- \
    env JOURNAL_PDF_ENGINE="$TEST_TMP/no-such-weasyprint" "$JOURNAL" build-site -o "$TEST_TMP/pdf-false"
check "... makes no PDF" -- sh -c '! ls "$1"/articles/*/article.pdf 2>/dev/null' _ "$TEST_TMP/pdf-false"

finish
