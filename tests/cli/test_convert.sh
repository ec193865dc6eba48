#!/usr/bin/env bash
# Word and OpenDocument manuscripts: journal convert, submit --metadata and revise of a
# .docx or .odt, made by Pandoc and by LibreOffice (tests/fixtures/word/README.md). The
# body keeps its table, footnote, picture and Cyrillic; the document's own metadata
# (author, last modified by, company) and its comments never reach the manuscript; bad
# files are refused with the file named, exit 1 and nothing written.
. "$(dirname "$0")/lib.sh"

FIX=$SOURCE_DIR/tests/fixtures/word
W=$TEST_TMP/work
mkdir -p "$W"
cd "$W" || finish
# journal's temporary folders go here, to see that none is left behind.
export TMPDIR=$TEST_TMP/tmp
mkdir -p "$TMPDIR"

if ! command -v pandoc >/dev/null; then
    fail "pandoc is installed (scripts/install-deps)"
    finish
fi

no_stray_temp() {
    check_eq "$1: no temporary folder left behind" "" "$(ls -A "$TMPDIR")"
}

# What a converted fixture must keep, whoever made it.
check_body() {
    local md=$1 what=$2
    check "$what: the heading" -- grep -qx '# Introduction' "$md"
    check "$what: the Cyrillic heading" -- grep -qx '## Методы исследования' "$md"
    check "$what: emphasis and strong emphasis" -- \
        grep -q 'Village libraries in \*three regions\* were \*\*surveyed\*\*' "$md"
    check "$what: Cyrillic text intact (ё, щ, й, em dash)" -- \
        grep -q 'Ёлка, щука, объём — все буквы на месте.' "$md"
    check "$what: Chinese, Greek and Arabic intact" -- \
        grep -qx '中文：乡村图书馆。Ελληνικά: βιβλιοθήκες. العربية: مكتبات القرى.' "$md"
    check "$what: the link" -- grep -qF '[the archive](https://example.org/data)' "$md"
    check "$what: the bulleted list" -- grep -qE '^-   first point$' "$md"
    check "$what: the numbered list" -- grep -qE '^1\.  step one$' "$md"
    check "$what: the table as a pipe table, Cyrillic cell intact" -- \
        grep -qE '^\| Удмуртия +\| 12 +\| 3400 +\|$' "$md"
    check "$what: the table's delimiter row" -- grep -qE '^\|-+\|-+\|-+\|$' "$md"
    check "$what: the footnote's reference" -- grep -qF 'in 2024.[^1]' "$md"
    check "$what: the footnote's text" -- \
        grep -qE '^\[\^1\]: +The survey ran from March to May; see the appendix\.$' "$md"
    check "$what: no raw HTML (the site would show it as text)" -- \
        bash -c "! grep -qE '<(img|span|div|table|br)' '$md'"
    check "$what: nothing of the document's own metadata (author, company, title)" -- \
        bash -c "! grep -qiE 'Secretova|Olga|Consulting|Secret Working|Confidential' '$md'"
}

# check_rendered MD WHAT: the site's renderer (site/markdown.c, raw HTML escaped) makes of it
# a table, a footnote, the picture and headings, and shows no markup as text.
MARKDOWN_CLI=${MARKDOWN_CLI:-$(dirname "$JOURNAL")/markdown_cli}
check_rendered() {
    local md=$1 what=$2 html=$TEST_TMP/rendered.html
    if ! "$MARKDOWN_CLI" "$md" >"$html" 2>&1; then
        fail "$what: the site's renderer reads it" "$(head -c 1500 "$html")"
        return
    fi
    check "$what, as the site renders it: the table" -- grep -qx '<td>Удмуртия</td>' "$html"
    check "$what, as the site renders it: the footnote" -- \
        grep -q '<section class="footnotes" data-footnotes>' "$html"
    check "$what, as the site renders it: the footnote's reference" -- \
        grep -qF 'in 2024.<sup class="footnote-ref"><a href="#fn-1"' "$html"
    check "$what, as the site renders it: the picture" -- grep -qE '<img src="files/[^"]+\.png"' "$html"
    check "$what, as the site renders it: the headings" -- grep -qx '<h2>Методы исследования</h2>' "$html"
    check "$what, as the site renders it: no markup shown as text" -- \
        bash -c "! grep -q '&lt;' '$html'"
}

# check_picture MD DIR WHAT: the Markdown links one picture under files/, which is there
# beside it and is the fixture's PNG.
check_picture() {
    local md=$1 dir=$2 what=$3
    local link
    link=$(grep -oE '!\[[^]]*\]\(files/[^)]+\.png\)' "$md" | head -1 | sed -E 's/.*\((.*)\)/\1/')
    if [ -z "$link" ]; then
        fail "$what: the picture is linked under files/" "$(cat "$md")"
        return
    fi
    pass "$what: the picture is linked under files/ ($link)"
    check "$what: the picture is there, the fixture's PNG byte for byte" -- \
        cmp "$dir/$link" "$FIX/figure.png"
}

# ---- journal convert ----

for f in pandoc.docx libreoffice.odt libreoffice.docx; do
    mkdir -p "$W/$f"
    expect_exit 0 "convert $f -o exits 0" -- "$JOURNAL" convert "$FIX/$f" -o "$W/$f/manuscript.md"
    expect_stderr_match "converted .*$f to .*manuscript.md and 1 picture" "convert $f says what it wrote"
    check_body "$W/$f/manuscript.md" "convert $f"
    check_picture "$W/$f/manuscript.md" "$W/$f" "convert $f"
    check_rendered "$W/$f/manuscript.md" "convert $f"
    no_stray_temp "convert $f"
done
check "Pandoc's docx: the table's header row" -- \
    grep -qE '^\| Region +\| Libraries +\| Readers +\|$' "$W/pandoc.docx/manuscript.md"
check "Pandoc's docx: the equation kept as TeX math" -- \
    grep -qF 'The circulation grew as $E = mc^{2}$ predicts.' "$W/pandoc.docx/manuscript.md"
check "Pandoc's docx: the picture keeps its alt text" -- \
    grep -qF '![A test figure](files/media/rId22.png)' "$W/pandoc.docx/manuscript.md"

# Without -o: the Markdown on stdout, the pictures in files/ of the current folder.
mkdir -p "$W/stdout"
expect_exit 0 "convert to stdout exits 0" -- in_dir "$W/stdout" "$JOURNAL" convert "$FIX/pandoc.docx"
check_body "$OUT" "convert to stdout"
check "convert to stdout: the picture in ./files/media/" -- cmp "$W/stdout/files/media/rId22.png" "$FIX/figure.png"

expect_exit 0 "--json with -o" -- "$JOURNAL" convert "$FIX/pandoc.docx" -o "$W/json.md" --json
check_eq "--json lists the pictures" '["files/media/rId22.png"]' \
    "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["media"], separators=(",", ":")))' "$OUT")"

# ---- tracked changes and comments ----

for f in tracked.docx tracked.odt; do
    rm -rf "$W/out"
    mkdir -p "$W/out"
    expect_exit 1 "convert $f (tracked changes) is refused" -- \
        "$JOURNAL" convert "$FIX/$f" -o "$W/out/manuscript.md"
    expect_stderr_match "$f: the document has tracked changes \(2\).*--accept-changes" \
        "the refusal of $f names it and says how to go on"
    check_eq "$f refused: nothing written" "" "$(ls -A "$W/out")"
    no_stray_temp "$f refused"
    expect_exit 0 "convert $f --accept-changes" -- \
        "$JOURNAL" convert "$FIX/$f" -o "$W/out/manuscript.md" --accept-changes
    expect_stderr_match "warning: .*$f: 2 tracked changes accepted" "$f accepted: a warning says so"
    check "$f accepted: the insertion is in" -- \
        grep -qF 'were **surveyed** in spring in 2024.[^1]' "$W/out/manuscript.md"
    check "$f accepted: the deletion is out" -- bash -c "! grep -q 'and 2023' '$W/out/manuscript.md'"
    check "$f accepted: no author of the changes" -- \
        bash -c "! grep -q 'Secretova' '$W/out/manuscript.md'"
done

for f in comment.docx comment.odt; do
    expect_exit 0 "convert $f (a comment) exits 0" -- "$JOURNAL" convert "$FIX/$f" -o "$W/c.md"
    expect_stderr_match "warning: .*$f: 1 comment dropped" "the comment of $f is dropped with a warning"
    check "$f: the comment's text is not in the Markdown" -- \
        bash -c "! grep -qE 'Reviewer|Olga|check this' '$W/c.md'"
    check "$f: the commented text is" -- grep -q '^Village libraries in \*three regions\*' "$W/c.md"
done

# ---- bad files: refused, file named, exit 1, nothing written ----

B=$W/bad
mkdir -p "$B"
head -c 3000 "$FIX/pandoc.docx" >"$B/truncated.docx"
cp "$FIX/pandoc.docx" "$B/paper.docm"
cp "$FIX/libreoffice.odt" "$B/odt-inside.docx"
cp "$FIX/pandoc.docx" "$B/docx-inside.odt"
printf 'Just some text, saved with the wrong name.\n' >"$B/text.docx"
printf '%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n' >"$B/pdf.docx"
python3 - "$FIX/pandoc.docx" "$B" <<'PY'
import sys, zipfile
src, out = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(src)
def rewrite(name, change):
    with zipfile.ZipFile(out + '/' + name, 'w', zipfile.ZIP_DEFLATED) as d:
        for info in z.infolist():
            data = change(info.filename, z.read(info))
            if data is not None:
                d.writestr(info.filename, data)
        if name == 'macros.docx':
            d.writestr('word/vbaProject.bin', b'\xd0\xcf\x11\xe0 not really VBA')
# A macro-enabled document saved with the .docx name.
rewrite('macros.docx', lambda n, b: b.replace(
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
    b'application/vnd.ms-word.document.macroEnabled.main+xml') if n == '[Content_Types].xml' else b)
# A package whose document.xml is cut short.
rewrite('broken-xml.docx', lambda n, b: b[:len(b) // 2] if n == 'word/document.xml' else b)
# A spreadsheet's main part under a .docx name.
rewrite('sheet.docx', lambda n, b: b.replace(
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
    b'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml') if n == '[Content_Types].xml' else b)
PY

bad() {
    local file=$1 pattern=$2 desc=$3
    rm -rf "$W/out"
    mkdir -p "$W/out"
    expect_exit 1 "convert: $desc is refused" -- "$JOURNAL" convert "$B/$file" -o "$W/out/m.md"
    expect_stderr_match "$file: $pattern" "convert: $desc: the message names the file and says why"
    check_eq "convert: $desc: nothing written" "" "$(ls -A "$W/out")"
    no_stray_temp "convert: $desc"
}
bad truncated.docx "corrupt: not a readable ZIP package" "a truncated .docx"
bad broken-xml.docx "corrupt: word/document.xml in the package is not well-formed XML" \
    "a .docx whose document.xml is broken"
bad paper.docm "a macro-enabled Word document \(.docm\); journal does not accept macros" "a .docm"
bad macros.docx "the document contains macros" "a macro-enabled document named .docx"
bad odt-inside.docx "not a Word document: .*it is an OpenDocument file: name it .odt" \
    "an OpenDocument file named .docx"
bad docx-inside.odt "not an OpenDocument text: .*it is a Word file: name it .docx" \
    "a Word file named .odt"
bad text.docx "not a docx file: not a ZIP package" "a text file named .docx"
bad pdf.docx "not a docx file: a PDF file" "a PDF named .docx"
bad sheet.docx "not a Word document: \[Content_Types\].xml declares no word-processing main part" \
    "a spreadsheet named .docx"

expect_exit 1 "convert -o into a folder that does not exist is refused" -- \
    "$JOURNAL" convert "$FIX/pandoc.docx" -o "$W/out/no-such-folder/m.md"
expect_stderr_match "no such folder" "the message says the folder is missing"
check_eq "-o into a missing folder: nothing written (no pictures either)" "" "$(ls -A "$W/out")"

# Pandoc missing: the message names Debian's package.
expect_exit 1 "JOURNAL_PANDOC naming no program: refused" -- \
    env JOURNAL_PANDOC=/nonexistent/pandoc "$JOURNAL" convert "$FIX/pandoc.docx" -o "$W/out/m.md"
expect_stderr_match "pandoc.docx: JOURNAL_PANDOC=/nonexistent/pandoc: no such program.*apt-get install pandoc" \
    "the message names JOURNAL_PANDOC and the package pandoc"
# JOURNAL_PANDOC as a path relative to the current folder (Pandoc runs in a folder of its own).
mkdir -p "$W/tools" "$W/rel"
ln -sf "$(command -v pandoc)" "$W/tools/pandoc"
expect_exit 0 "JOURNAL_PANDOC=tools/pandoc, relative to the current folder" -- \
    in_dir "$W" env JOURNAL_PANDOC=tools/pandoc "$JOURNAL" convert "$FIX/pandoc.docx" -o "$W/rel/m.md"
expect_exit 1 "no pandoc on PATH: refused" -- \
    env PATH=/nonexistent "$JOURNAL" convert "$FIX/pandoc.docx" -o "$W/out/m.md"
expect_stderr_match "pandoc.docx: .*Pandoc, which is not installed.*Debian's package pandoc" \
    "the message says Pandoc is missing and names the package pandoc"
check_eq "no pandoc: nothing written" "" "$(ls -A "$W/out")"

# ---- journal submit DOCUMENT --metadata META.yaml ----

J=$TEST_TMP/sample
sample_journal "$J" || finish
cat >"$W/meta.yaml" <<'EOF'
title: "Сельские библиотеки Удмуртии: a survey"
lang: en
type: research-article
abstract: "We surveyed village libraries in three regions."
keywords: [libraries, surveys]
authors:
  - name: Aigerim Testova
    email: a.testova@example.org
    corresponding: true
    affiliations:
      - name: Academy of Testing
        country: KZ
EOF

n=0
for f in pandoc.docx libreoffice.odt libreoffice.docx; do
    commits=$(commit_count "$J")
    expect_exit 0 "submit $f --metadata meta.yaml exits 0" -- \
        "$JOURNAL" -C "$J" submit "$FIX/$f" --metadata "$W/meta.yaml"
    n=$(cat "$OUT")
    check_eq "submit $f: one commit" "$((commits + 1))" "$(commit_count "$J")"
    git -C "$J" show "HEAD:submissions/$n/manuscript.md" >"$W/sub-$f.md"
    check "submit $f: the front matter from meta.yaml" -- \
        grep -qx 'title: "Сельские библиотеки Удмуртии: a survey"' "$W/sub-$f.md"
    check_body "$W/sub-$f.md" "submit $f"
    ext=${f##*.}
    git -C "$J" show "HEAD:submissions/$n/files/original.$ext" >"$W/original.$ext"
    check "submit $f: the original kept as files/original.$ext, byte for byte" -- \
        cmp "$W/original.$ext" "$FIX/$f"
    rm -rf "$W/tree-$f"
    mkdir -p "$W/tree-$f"
    git -C "$J" archive HEAD "submissions/$n" | tar -x -C "$W/tree-$f"
    check_picture "$W/sub-$f.md" "$W/tree-$f/submissions/$n" "submit $f"
    check_eq "submit $f: the commit holds the manuscript, the record, the picture and the original" \
        4 "$(git -C "$J" show --name-only --format= HEAD | wc -l)"
    no_stray_temp "submit $f"
done
DOCX=$n
check "the commit names the converted file, not the folder it came from" -- \
    bash -c "git -C '$J' log -1 --format=%B | grep -qx 'Converted from: libreoffice.docx (front matter: meta.yaml)'"

# meta.yaml is validated as front matter is: every problem at once, named by its lines.
cat >"$W/bad-meta.yaml" <<'EOF'
title: "A title"
lang: zz
type: research-article
authors:
  - name: Nobody
    affiliations:
      - name: Somewhere
        country: Atlantis
EOF
snapshot "$J" >"$TEST_TMP/before"
expect_exit 1 "submit with a bad meta.yaml is refused" -- \
    "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx" --metadata "$W/bad-meta.yaml"
expect_stderr_match "bad-meta.yaml:2:7: unknown language 'zz'" "meta.yaml's bad language with its line"
expect_stderr_match "bad-meta.yaml:8:18: .*Atlantis" "meta.yaml's bad country with its line, in the same run"
expect_stderr_match "bad-meta.yaml:1:1: front matter: missing required field 'abstract'" \
    "meta.yaml's missing abstract, in the same run"
expect_unchanged "$TEST_TMP/before" "$J" "a bad meta.yaml leaves the journal unchanged"

# A front matter copied with its fences is taken as it stands; text after them is refused.
{ echo '---'; cat "$W/meta.yaml"; echo '---'; } >"$W/fenced.yaml"
{ echo '---'; cat "$W/meta.yaml"; echo '---'; echo; echo '# The text'; } >"$W/with-body.yaml"
expect_exit 0 "submit with meta.yaml in --- fences" -- \
    "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx" --metadata "$W/fenced.yaml"
check "the fenced front matter is the submission's" -- bash -c \
    "git -C '$J' show HEAD:submissions/$(cat "$OUT")/manuscript.md | grep -qx 'title: \"Сельские библиотеки Удмуртии: a survey\"'"
snapshot "$J" >"$TEST_TMP/before"
expect_exit 1 "a meta.yaml with text after its front matter is refused" -- \
    "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx" --metadata "$W/with-body.yaml"
expect_stderr_match "with-body.yaml:14:1: the front matter ends here, and the file goes on" \
    "the message names meta.yaml's line"
expect_unchanged "$TEST_TMP/before" "$J" "the refused meta.yaml leaves the journal unchanged"

# bibliography: in meta.yaml, its path relative to meta.yaml: read through Pandoc into the
# stored references:, as a Markdown manuscript's; a bad one refused with meta.yaml's line.
mkdir -p "$W/bibdir/refs"
cat >"$W/bibdir/refs/refs.bib" <<'EOF'
@book{ivanov2010,
  author = {Иванов, Иван Иванович},
  title = {Сельские библиотеки},
  publisher = {Наука}, location = {Москва}, year = {2010}
}
EOF
{ cat "$W/meta.yaml"; echo 'bibliography: refs/refs.bib'; } >"$W/bibdir/meta.yaml"
expect_exit 0 "submit a .docx whose meta.yaml names bibliography: exits 0" -- \
    "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx" --metadata "$W/bibdir/meta.yaml"
git -C "$J" show "HEAD:submissions/$(cat "$OUT")/manuscript.md" >"$W/sub-bib.md"
check "the bibliography file's entries are the stored references, not bibliography:" -- bash -c \
    "grep -q '^references:$' '$W/sub-bib.md' && grep -q '^  - id: \"ivanov2010\"$' '$W/sub-bib.md' && grep -qF '\"Сельские библиотеки\"' '$W/sub-bib.md' && ! grep -q '^bibliography:' '$W/sub-bib.md'"
check "... and the converted body is kept after them" -- grep -qF 'Сельские' "$W/sub-bib.md"
{ cat "$W/meta.yaml"; echo 'bibliography: missing.bib'; } >"$W/bibdir/missing.yaml"
{ cat "$W/meta.yaml"; printf 'references: []\nbibliography: refs/refs.bib\n'; } >"$W/bibdir/both.yaml"
snapshot "$J" >"$TEST_TMP/before"
expect_exit 1 "a meta.yaml naming a missing bibliography file is refused" -- \
    "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx" --metadata "$W/bibdir/missing.yaml"
expect_stderr_match "missing\.bib" "the missing bibliography file is named"
expect_exit 1 "a meta.yaml with bibliography: and references: is refused" -- \
    "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx" --metadata "$W/bibdir/both.yaml"
expect_stderr_match "both\.yaml:14:1: both bibliography: and references:" \
    "bibliography: beside references: is refused at meta.yaml's line"
expect_unchanged "$TEST_TMP/before" "$J" "a refused bibliography: leaves the journal unchanged"

# A Word body's citations are checked against the references as a Markdown body's are: an
# unknown key is refused, naming the document.
printf '# Сельские библиотеки\n\nКак показано ранее [@ivanov2010], и вопреки [@petrov1999], фонды растут.\n' |
    pandoc -f markdown -t docx -o "$W/bibdir/cites.docx"
snapshot "$J" >"$TEST_TMP/before"
expect_exit 1 "a .docx citing a key that is not in its references is refused" -- \
    "$JOURNAL" -C "$J" submit "$W/bibdir/cites.docx" --metadata "$W/bibdir/meta.yaml"
expect_stderr_match "cites\.docx: citation @petrov1999 is not in the references" \
    "the message names the document and the unknown key"
expect_unchanged "$TEST_TMP/before" "$J" "the refused citation leaves the journal unchanged"

# An attachment may not take the name of a file the conversion stores.
cp "$FIX/figure.png" "$W/original.docx"
expect_exit 1 "an --file named original.docx beside a .docx is refused" -- \
    in_dir "$W" "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx" --metadata "$W/meta.yaml" --file original.docx
expect_stderr_match "--file original.docx: the conversion of .*pandoc.docx stores a file of that name" \
    "the message names the attachment and the conversion's file"
expect_unchanged "$TEST_TMP/before" "$J" "the refused attachment leaves the journal unchanged"

expect_exit 2 "a .docx without --metadata is a usage error" -- "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx"
expect_stderr_match "pandoc.docx: a Word or OpenDocument manuscript needs its front matter .*--metadata" \
    "the message says to give --metadata"

# Each bad file through submit: refused, the journal unchanged.
for spec in "truncated.docx:corrupt" "paper.docm:macro" "odt-inside.docx:name it .odt" \
    "text.docx:not a ZIP package"; do
    file=${spec%%:*}
    expect_exit 1 "submit $file is refused" -- "$JOURNAL" -C "$J" submit "$B/$file" --metadata "$W/meta.yaml"
    expect_stderr_match "$file: .*${spec#*:}" "submit $file: the message names the file"
done
expect_exit 1 "submit tracked.docx without --accept-changes is refused" -- \
    "$JOURNAL" -C "$J" submit "$FIX/tracked.docx" --metadata "$W/meta.yaml"
expect_stderr_match "tracked.docx: the document has tracked changes.*--accept-changes" \
    "submit: the refusal says how to go on"
expect_exit 1 "submit with JOURNAL_PANDOC naming no program is refused" -- \
    env JOURNAL_PANDOC=/nonexistent/pandoc "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx" --metadata "$W/meta.yaml"
expect_stderr_match "package pandoc" "submit without Pandoc: the message names the package"

# A .docx over max_manuscript_size.
sed -i 's/^max_manuscript_size: .*/max_manuscript_size: 8000/' "$J/journal.yaml"
tgit -C "$J" commit -qam "max_manuscript_size: 8000"
snapshot "$J" >"$TEST_TMP/before-size"
expect_exit 1 "submit of a .docx over max_manuscript_size is refused" -- \
    "$JOURNAL" -C "$J" submit "$FIX/pandoc.docx" --metadata "$W/meta.yaml"
expect_stderr_match "pandoc.docx: file is [0-9]+ bytes, over the limit of 8000 bytes \(max_manuscript_size" \
    "the message names the file and max_manuscript_size"
expect_exit 1 "convert in that journal of a .docx over max_manuscript_size is refused" -- \
    "$JOURNAL" -C "$J" convert "$FIX/pandoc.docx" -o "$W/out/m.md"
expect_stderr_match "max_manuscript_size" "convert names max_manuscript_size too"
check_eq "over the size: nothing written" "" "$(ls -A "$W/out")"
expect_unchanged "$TEST_TMP/before-size" "$J" "refused Word files leave the journal unchanged"
tgit -C "$J" revert --no-edit HEAD >/dev/null
no_stray_temp "refused submissions"

expect_exit 0 "submit tracked.odt --accept-changes" -- \
    "$JOURNAL" -C "$J" submit "$FIX/tracked.odt" --metadata "$W/meta.yaml" --accept-changes
check "the accepted text is the submission's" -- \
    bash -c "git -C '$J' show HEAD:submissions/$(cat "$OUT")/manuscript.md | grep -qF 'in spring in 2024'"
expect_exit 0 "submit comment.docx" -- "$JOURNAL" -C "$J" submit "$FIX/comment.docx" --metadata "$W/meta.yaml"
expect_stderr_match "warning: .*comment.docx: 1 comment dropped" "submit warns of the dropped comment"

# ---- double-blind review: the reviewer's packet ----

expect_exit 0 "assign a reviewer to the Word submission" -- \
    "$JOURNAL" -C "$J" assign "$DOCX" --reviewer asel-bekova
expect_exit 0 "the reviewer's packet" -- "$JOURNAL" -C "$J" packet "$DOCX" --reviewer asel-bekova
check "the packet carries the converted text" -- grep -q 'Удмуртия' "$OUT"
expect_stdout_no_match 'Secretova|Olga|Consulting' "nothing of the document's metadata in the packet"
expect_stdout_no_match 'original\.docx|Testova' "the packet neither names the original nor the author"
expect_exit 0 "the reviewer's packet with its attachments" -- \
    "$JOURNAL" -C "$J" packet "$DOCX" --reviewer asel-bekova -o "$W/packet.md" --files "$W/packet-files"
check "the packet's attachments include the document's picture" -- \
    bash -c "find '$W/packet-files' -type f | grep -q ."
check_eq "the author's original document is never a reviewer's attachment" "" \
    "$(find "$W/packet-files" -name 'original.*')"

# ---- journal revise with a Word file ----

echo "More data, please." >"$W/review.md"
expect_exit 0 "the reviewer's review" -- "$JOURNAL" -C "$J" review "$DOCX" --verdict major-revision \
    --comments "$W/review.md" --as asel-bekova
expect_exit 0 "decide revise" -- "$JOURNAL" -C "$J" decide "$DOCX" revise
snapshot "$J" >"$TEST_TMP/before-revise"
expect_exit 1 "revise with a tracked-changes document is refused" -- \
    "$JOURNAL" -C "$J" revise "$DOCX" "$FIX/tracked.docx" --metadata "$W/meta.yaml"
expect_stderr_match "tracked.docx: the document has tracked changes" "revise: the refusal names the file"
expect_unchanged "$TEST_TMP/before-revise" "$J" "the refused revision leaves the journal unchanged"
expect_exit 0 "revise with an .odt --accept-changes" -- \
    "$JOURNAL" -C "$J" revise "$DOCX" "$FIX/tracked.odt" --metadata "$W/meta.yaml" --accept-changes
git -C "$J" show "HEAD:submissions/$DOCX/manuscript.md" >"$W/revised.md"
check "the revision is the accepted text" -- grep -qF 'in spring in 2024' "$W/revised.md"
check_body "$W/revised.md" "revise tracked.odt"
git -C "$J" show "HEAD:submissions/$DOCX/files/original.odt" >"$W/revised.odt"
check "the revision's original kept as files/original.odt" -- cmp "$W/revised.odt" "$FIX/tracked.odt"
no_stray_temp "revise"

finish
