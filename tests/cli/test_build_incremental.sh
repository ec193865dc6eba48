#!/usr/bin/env bash
# journal build-site is incremental: what did not change is not rendered again,
# what changed is, the files that no longer belong to the site go, a failed
# build leaves the site as it was, and the result is always byte for byte the
# site that a full build makes.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site

# field NAME: a number from the last --json answer.
field() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$OUT" "$1" \
        2>/dev/null || echo "no $1 in: $(cat "$OUT")"
}
# inode PATH: a file replaced by the build gets a new one; a file left alone keeps its own.
inode() { stat -c %i "$1" 2>/dev/null || echo "missing $1"; }
# same_as_full DESC: _site is exactly what a build with no cache makes in a new folder.
same_as_full() {
    rm -rf "$TEST_TMP/full"
    if "$JOURNAL" build-site -o "$TEST_TMP/full" >/dev/null 2>&1; then
        check "$1" -- diff -r "$S" "$TEST_TMP/full"
    else
        fail "$1" "the full build failed"
    fi
}
build() { expect_exit 0 "$1" -- "$JOURNAL" build-site --json; }

# ---- the first build makes everything; a second one nothing ----

build "the first build exits 0"
check_eq "the first build renders all 29 pages" "29 29" "$(field pages) $(field rendered)"
a1=$(inode "$S/articles/1/index.html")
i1=$(inode "$S/issues/1/index.html")
home=$(inode "$S/index.html")
build "a build with nothing changed exits 0"
check_eq "nothing changed: no page rendered" "0" "$(field rendered)"
check_eq "nothing changed: still 29 pages" "29" "$(field pages)"
check_eq "nothing changed: the files are left alone (same inodes)" "$a1 $i1 $home" \
    "$(inode "$S/articles/1/index.html") $(inode "$S/issues/1/index.html") $(inode "$S/index.html")"
expect_exit 0 "build-site (text) with nothing changed" -- "$JOURNAL" build-site
expect_stdout_match "^Built 29 pages \(2 issues, 9 articles\) and 3 assets into .*: 0 rendered, 29 unchanged$" \
    "the message says how many pages were rendered and how many were unchanged"

# ---- an article's body: that article only ----

printf '\nA sentence added for the incremental build test.\n' >>submissions/3/manuscript.md
tgit commit -q -am "Edit the body of article 3"
build "the build after editing article 3's body exits 0"
check_eq "one page rendered: article 3's" "1" "$(field rendered)"
check "article 3's page has the new sentence" -- \
    grep -q "A sentence added for the incremental build test" "$S/articles/3/index.html"
check "article 3's JATS has the new sentence" -- \
    grep -q "A sentence added for the incremental build test" "$S/articles/3/article.xml"
check_eq "article 1, issue 1 and the home page are left alone" "$a1 $i1 $home" \
    "$(inode "$S/articles/1/index.html") $(inode "$S/issues/1/index.html") $(inode "$S/index.html")"
same_as_full "after a body edit the site is what a full build makes"

# ---- an article's front matter: the article and every listing ----

sed -i 's/^title: .*/title: "Merit Recruitment, Retitled for the Test"/' submissions/1/manuscript.md
tgit commit -q -am "Retitle article 1"
build "the build after retitling article 1 exits 0"
check "the issue page shows the new title" -- grep -q "Retitled for the Test" "$S/issues/1/index.html"
check "the author index is made again" -- grep -q "Retitled for the Test" "$S/authors/index.html"
check "the Russian author index is made again" -- grep -q "Retitled for the Test" "$S/ru/authors/index.html"
check "article 2 is left alone (its page lists nothing of article 1)" -- \
    bash -c "! grep -q 'Retitled for the Test' '$S/articles/2/index.html'"
n=$(field rendered)
check "the article and the listings are rendered, not every article ($n pages)" -- \
    test "$n" -gt 1 -a "$n" -lt 29
same_as_full "after a title edit the site is what a full build makes"

# ---- the theme: every page ----

printf '\n{{! a comment, for the test }}\n' >>themes/default/templates/article.mustache
tgit commit -q -am "Touch the article template"
build "the build after a template change exits 0"
check_eq "a template change renders every page" "29" "$(field rendered)"
tgit reset -q --hard HEAD~1

# ---- files that no longer belong to the site ----

sed -i 's/^articles: \[6, 7, 8, 9\]$/articles: [6, 7, 8]/' issues/2.yaml
tgit commit -q -am "Take article 9 out of issue 2"
build "the build after taking article 9 out exits 0"
check "article 9's folder is gone" -- test ! -e "$S/articles/9"
check "its files were counted as removed" -- test "$(field removed)" -ge 5
check "the issue page no longer links to article 9" -- \
    bash -c "! grep -q 'articles/9/' '$S/issues/2/index.html'"
same_as_full "after removing an article the site is what a full build makes"
tgit reset -q --hard HEAD~1
build "the build with article 9 back exits 0"
check "article 9 is back" -- test -s "$S/articles/9/index.html"

# ---- the output folder is checked, not trusted ----

rm "$S/articles/2/index.html"
build "the build after deleting a page by hand exits 0"
check "the deleted page is made again" -- test -s "$S/articles/2/index.html"
check_eq "only that article's page is rendered" "1" "$(field rendered)"
mkdir -p "$S/.journal-staging.999999/sub" && echo half >"$S/.journal-staging.999999/sub/1"
build "the build after a killed build's leftovers exits 0"
check "a killed build's staging folder is removed" -- test ! -e "$S/.journal-staging.999999"

# ---- without the cache: everything, and the same site ----

echo "by hand" >"$S/by-hand.html"
rm -f .journal/index.db .journal/index.db-wal .journal/index.db-shm
build "the build without the index exits 0"
check_eq "without the cache every page is rendered" "29" "$(field rendered)"
check "without the cache, files build-site did not make are removed" -- test ! -e "$S/by-hand.html"
same_as_full "the site built without the cache is what a full build makes"
expect_exit 0 "build-site --force exits 0" -- "$JOURNAL" build-site --force --json
check_eq "--force renders every page" "29" "$(field rendered)"

# ---- a record that cannot be kept only means building everything ----

rm -rf .journal && mkdir -p .journal/index.db
expect_exit 0 "the build with an index that cannot be opened exits 0" -- "$JOURNAL" build-site --json
expect_stderr_match "^journal build-site: warning: cannot open the index .*index\.db: .*; building everything$" \
    "the user is told the index could not be opened and everything is built"
check_eq "everything is rendered" "29" "$(field rendered)"
rmdir .journal/index.db

# ---- a failed build changes nothing, and is not remembered ----

printf '\nA second sentence, in a build that fails.\n' >>submissions/3/manuscript.md
sed -i 's/^articles: \[6, 7, 8, 9\]$/articles: [6, 7, 8, 9, 10]/' issues/2.yaml
tgit commit -q -am "Edit article 3 and list unpublished submission 10"
before=$(cd "$S" && find . -printf '%y %P %i\n' | LC_ALL=C sort)
expect_exit 1 "the build with an unpublished article listed exits 1" -- "$JOURNAL" build-site
expect_stderr_match "issues/2\.yaml:.*10.*not published" "the message names the manifest"
check_eq "the failed build left every file of the site as it was" "$before" \
    "$(cd "$S" && find . -printf '%y %P %i\n' | LC_ALL=C sort)"
check "the failed build left no staging folder" -- test -z "$(find "$S" -name '.journal-staging.*')"
sed -i 's/^articles: \[6, 7, 8, 9, 10\]$/articles: [6, 7, 8, 9]/' issues/2.yaml
tgit commit -q -am "Take submission 10 out again"
build "the build after the fix exits 0"
check "article 3's page now has the second sentence" -- \
    grep -q "A second sentence, in a build that fails" "$S/articles/3/index.html"
same_as_full "after a failed build and a fix the site is what a full build makes"

# ---- warnings of articles that are not rendered again are still given ----

python3 - submissions/6/manuscript.md <<'EOF'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
extra = ("  - id: nopublisher\n    type: report\n    title: A report without its publisher\n"
         "    issued: {date-parts: [[2020]]}\n")
text = text.replace("references:\n", "references:\n" + extra, 1)
open(path, "w", encoding="utf-8").write(text)
EOF
tgit commit -q -am "A reference without a publisher in article 6"
expect_exit 0 "the build with a reference lacking its publisher exits 0" -- "$JOURNAL" build-site
expect_stderr_match "^journal build-site: warning: submissions/6/manuscript\.md:[0-9]+:[0-9]+: reference 'nopublisher' has no " \
    "the build warns about it"
expect_exit 0 "the next build, with nothing changed, exits 0" -- "$JOURNAL" build-site
expect_stderr_match "^journal build-site: warning: submissions/6/manuscript\.md:[0-9]+:[0-9]+: reference 'nopublisher' has no " \
    "the warning is given again though article 6 is not rendered again"

# ---- each output folder has its own record ----

build "a build into _site exits 0"
expect_exit 0 "a build into another folder exits 0" -- "$JOURNAL" build-site -o "$TEST_TMP/other" --json
check_eq "the other folder is built whole" "29" "$(field rendered)"
build "_site again exits 0"
check_eq "_site's record is its own: nothing to render" "0" "$(field rendered)"

# ---- what the user sees ----

expect_exit 0 "build-site --verbose exits 0" -- "$JOURNAL" build-site --verbose
expect_stderr_match "^journal build-site: +[0-9.]+ ms +[0-9]+ MiB  compared with the last build: 0 of 11 parts to make$" \
    "--verbose times the phases"
if grep -q $'\r' "$ERR"; then
    fail "no progress bar when stderr is not a terminal"
else
    pass "no progress bar when stderr is not a terminal"
fi
# On a terminal (script(1) gives it one), past the delay (a second; no delay here), a bar.
JOURNAL_PROGRESS_AFTER=0 script -qefc "'$JOURNAL' build-site --force" /dev/null >"$TEST_TMP/tty" 2>&1
# --force makes the listings whatever the articles say: one bar counts the 9 articles and the
# parts of the listings, made in the same pool.
check "on a terminal a progress bar counts the articles and the parts of the listings" -- \
    python3 -c 'import re, sys
t = open(sys.argv[1], "rb").read().decode()
bars = re.findall(r"journal build-site: articles and listings \[[#.]+\] (\d+)/(\d+)", t)
assert bars, t
assert all(int(total) > 9 and int(done) <= int(total) for done, total in bars), bars' "$TEST_TMP/tty"
check "the bar is cleared before the summary" -- \
    python3 -c 'import sys; t = open(sys.argv[1], "rb").read(); i = t.rindex(b"listings ["); assert b"\r\x1b[K" in t[i:t.index(b"Built")], t' "$TEST_TMP/tty"
check_eq "the work tree is clean after all these builds" "" "$(git status --porcelain)"

finish
