#!/usr/bin/env bash
# Figures: an image of the text alone in its paragraph whose attachment is published
# (articles/N/files/...) is a JATS fig (JATS4R: an id, the description as caption, graphic
# with xlink:href and the MIME type), valid against JATS 1.3; a figure kept private or not
# among the attachments is neither published nor a graphic in JATS.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site
FIG=$SOURCE_DIR/tests/fixtures/word/figure.png
mkdir -p submissions/3/files/media
cp "$FIG" submissions/3/files/media/chart.png
cp "$FIG" "submissions/3/files/map of regions.png"
cp "$FIG" submissions/3/files/private.png
cp "$FIG" submissions/3/files/raw.png
sed -i 's/^allow_raw_html: false$/allow_raw_html: true/' journal.yaml
printf 'private: [private.png]\n' >>submissions/3/submission.yaml
cat >>submissions/3/manuscript.md <<'MD'

![A chart of the *tenders*](files/media/chart.png)

- ![The map of regions](files/map%20of%20regions.png)

![Kept private](files/private.png)

![Not attached](files/missing.png)

<p><img src="files/raw.png" alt="Raw HTML figure"></p>

<p><img src="files/private.png" alt="Raw private"> <img src="https://evil.example/a.png" alt="Off-site">
<img src="//evil.example/b.png"> <img src=" /evil/c.png"> <img src="\\evil.example\d.png"></p>
MD
tgit add -A
tgit commit -qm "Figures in article 3"

expect_exit 0 "build-site exits 0" -- "$JOURNAL" build-site
X=$S/articles/3/article.xml
check "JATS: the figure is a fig with its caption and graphic" -- grep -qF \
    '<fig id="fig1"><caption><p>A chart of the <italic>tenders</italic></p></caption><graphic xlink:href="files/media/chart.png" mimetype="image" mime-subtype="png"/></fig>' \
    "$X"
check "JATS: the graphic's href leads to the published figure, beside article.xml" -- \
    cmp "$S/articles/3/files/media/chart.png" "$FIG"
check "JATS: a figure in a list item goes in its p, percent-encoded" -- grep -qF \
    '<list-item><p><fig id="fig2"><caption><p>The map of regions</p></caption><graphic xlink:href="files/map%20of%20regions.png"' \
    "$X"
check "JATS: a private figure and a missing one are no graphic, their description stays" -- \
    bash -c "[ \$(grep -o '<graphic ' '$X' | wc -l) = 2 ] && grep -qF '<p>Kept private</p>' '$X' && grep -qF '<p>Not attached</p>' '$X'"
check "the private figure is not published" -- bash -c "! find '$S' -name private.png | grep -q ."
P=$S/articles/3/index.html
check "raw HTML: an <img> of files/ is published beside the page" -- cmp "$S/articles/3/files/raw.png" "$FIG"
check "raw HTML: ... and the page's <img> leads to it" -- grep -qF '<img src="files/raw.png" alt="Raw HTML figure">' "$P"
check "raw HTML: an <img> of a private attachment does not publish it" -- \
    bash -c "! find '$S' -name private.png | grep -q ."
check "raw HTML: no <img> loads from another site or path" -- \
    bash -c "grep -qF '<img alt=\"Off-site\">' '$P' && ! grep -qE 'src=\"[^\"]*evil' '$P'"
check "JATS with figures is valid JATS 1.3 (xmllint --valid)" -- jats_valid "$X"

finish
