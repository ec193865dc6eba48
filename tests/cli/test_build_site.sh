#!/usr/bin/env bash
# journal build-site renders the published part of the journal, and only that,
# into a folder it owns; links between pages work; authors' HTML is escaped.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site

# site_fingerprint DIR: every path and file content under DIR.
site_fingerprint() {
    (cd "$1" 2>/dev/null && find . -printf '%y %P\n' | LC_ALL=C sort &&
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) || echo "no $1"
}

# check_links DIR DESC [allow-empty]: every relative href/src in every page
# resolves to a file inside DIR; fragments resolve to an id in the target page.
# An empty href is a problem unless allow-empty (cmark blanks unsafe URLs).
check_links() {
    check "$2" -- python3 - "$1" "${3:-}" <<'EOF'
import os, re, sys
from urllib.parse import urlsplit, unquote
root = os.path.realpath(sys.argv[1])
problems, links, ids = [], 0, {}
def page_ids(path):
    if path not in ids:
        text = open(path, encoding="utf-8").read()
        ids[path] = set(re.findall(r'\sid="([^"]*)"', text))
    return ids[path]
for dirpath, _, files in os.walk(root):
    for name in files:
        if not name.endswith(".html"):
            continue
        page = os.path.join(dirpath, name)
        text = open(page, encoding="utf-8").read()
        for url in re.findall(r'\s(?:href|src)="([^"]*)"', text):
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue            # absolute: https:, mailto:, ...
            links += 1
            rel = os.path.relpath(page, root)
            if url == "":
                if sys.argv[2] != "allow-empty":
                    problems.append(f"{rel}: empty link")
                continue
            if parts.path:
                target = os.path.realpath(os.path.join(dirpath, unquote(parts.path)))
                if not (target == root or target.startswith(root + os.sep)):
                    problems.append(f"{rel}: {url} leaves the site")
                    continue
                if os.path.isdir(target):
                    target = os.path.join(target, "index.html")
                if not os.path.isfile(target):
                    problems.append(f"{rel}: {url} -> missing {os.path.relpath(target, root)}")
                    continue
            else:
                target = page
            if parts.fragment and target.endswith(".html"):
                if unquote(parts.fragment) not in page_ids(target):
                    problems.append(f"{rel}: {url}: no id '{parts.fragment}' in the target")
if problems:
    print("\n".join(problems[:20]))
    sys.exit(1)
if links < 20:
    print(f"only {links} relative links found")
    sys.exit(1)
EOF
}

# ---- the sample journal ----

expect_exit 0 "build-site on the sample exits 0" -- "$JOURNAL" build-site
expect_stdout_match "Built 29 pages \(2 issues, 9 articles\)" \
    "build-site reports 29 pages: in English and Russian, home, 2 issues and 7 indexes and pages (search among them); 9 articles"
for f in index.html issues/1/index.html issues/2/index.html assets/style.css \
    $(for i in 1 2 3 4 5 6 7 8 9; do echo articles/$i/index.html; done); do
    check "_site/$f exists" -- test -s "$S/$f"
done
check "no page for unpublished submission 10" -- test ! -e "$S/articles/10"
check "no page for unpublished submission 11" -- test ! -e "$S/articles/11"
check "no other article pages" -- test "$(ls "$S/articles" | sort -n | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 9 "
for n in 10 11; do
    title=$(sed -n '2s/^title: "\(.*\)"$/\1/p' "$J/submissions/$n/manuscript.md")
    abstract=$(sed -n '6p' "$J/submissions/$n/manuscript.md" | cut -c3-80)
    if [ -z "$title" ] || [ -z "$abstract" ]; then
        fail "could not read submission $n's title/abstract from the sample"
        continue
    fi
    hits=$(grep -rlF -- "$title" "$S")
    check_eq "unpublished $n's title appears nowhere under _site" "" "$hits"
    hits=$(grep -rlF -- "$abstract" "$S")
    check_eq "unpublished $n's abstract appears nowhere under _site" "" "$hits"
    hits=$(grep -rlE -- "articles/$n/|submissions/$n" "$S")
    check_eq "nothing under _site links to $n" "" "$hits"
done

a3=$S/articles/3/index.html
check "article 3 has a <table>" -- grep -q '<table' "$a3"
check "article 3 has footnotes" -- grep -q 'footnote' "$a3"
check "article 3's footnote references link to footnotes" -- grep -qE 'href="#fn-?[^"]*1"' "$a3"
a2=$S/articles/2/index.html
check "article 2 has lang=\"ru\"" -- grep -q 'lang="ru"' "$a2"
check "article 2 has its Cyrillic title" -- \
    grep -qF 'Оценка результативности государственных служащих' "$a2"
check "article 1 names both authors" -- grep -q 'Yerzhan Kuanyshev' "$S/articles/1/index.html"
check "issue 1 page lists article 1's title" -- \
    grep -qF "Merit-based recruitment in Kazakhstan" "$S/issues/1/index.html"
check "the home page names the journal" -- \
    grep -qF "Journal of Civil Service Reform and Practice" "$S/index.html"
# Readers are not told which software (and version) made the site; machines still are.
version=$("$JOURNAL" --version | sed 's/^journal //')
check "the footer names no software or version ($version)" -- sh -c \
    "! sed -n '/<footer/,/<\/footer>/p' '$S/index.html' '$S/ru/index.html' '$S/articles/1/index.html' | grep -qiF -e '$version' -e 'published with' -e 'создан программой'"
check "the pages keep a generator meta tag" -- \
    grep -qE '<meta name="generator" content="journal [0-9]+\.[0-9]+' "$S/index.html"
check "the home page links to both issues" -- \
    bash -c "grep -q 'href=\"issues/1/index.html\"' '$S/index.html' && grep -q 'href=\"issues/2/index.html\"' '$S/index.html'"
for n in 1 2 3 4 5; do
    check "issue 1 links to article $n" -- grep -q "href=\"../../articles/$n/index.html\"" "$S/issues/1/index.html"
done
for n in 6 7 8 9; do
    check "issue 2 links to article $n" -- grep -q "href=\"../../articles/$n/index.html\"" "$S/issues/2/index.html"
done
check_links "$S" "every relative link in _site resolves (files and #fragments)"
check "every page is well-formed enough: one <html> and one </html>" -- bash -c "
    for f in \$(find '$S' -name '*.html'); do
        [ \"\$(grep -c '<html' \"\$f\")\" = 1 ] && [ \"\$(grep -c '</html>' \"\$f\")\" = 1 ] || { echo \$f; exit 1; }
    done"
check_eq "build-site leaves the git work tree clean" "" "$(git status --porcelain)"
check "build-site leaves no _site.tmp.* or _site.old.* behind" -- \
    test -z "$(find "$J" -maxdepth 1 -name '_site.*')"
check "build-site leaves no staging folder in _site" -- \
    test -z "$(find "$S" -name '.journal-staging.*')"

# ---- rebuilding replaces the old site; only journal's own folders are replaced ----

check "_site carries build-site's marker (.journal-site)" -- test -f "$S/.journal-site"
echo stale >"$S/stale.html"
mkdir -p "$S/articles/42" && echo stale >"$S/articles/42/index.html"
expect_exit 0 "a second build-site exits 0" -- "$JOURNAL" build-site --json
check "build-site --json reports output, pages, issues, articles" -- python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["output"] == sys.argv[2] and d["pages"] == 29 and d["issues"] == 2 and d["articles"] == 9, d
' "$OUT" "$S"
check "the rebuilt site is complete" -- test -s "$S/articles/9/index.html"
# Files build-site never made are left to an incremental build; --force makes the folder the
# site exactly (tests/cli/test_build_incremental.sh has the files the site no longer has).
check "a file put by hand survives an incremental build" -- test -e "$S/stale.html"
expect_exit 0 "build-site --force exits 0" -- "$JOURNAL" build-site --force
check "--force removes a file build-site did not make" -- test ! -e "$S/stale.html"
check "--force removes a folder build-site did not make" -- test ! -e "$S/articles/42"
check "the forced site is complete" -- test -s "$S/articles/9/index.html"

# Without the marker, _site is just someone's folder: not replaced.
rm "$S/.journal-site"
echo "mine" >"$S/keep.txt"
before=$(site_fingerprint "$S")
expect_exit 1 "build-site refuses to replace a _site without the marker (exit 1)" -- "$JOURNAL" build-site
expect_stderr_match "not made by journal build-site" "the refusal says the folder was not made by build-site"
check_eq "the unmarked _site is untouched" "$before" "$(site_fingerprint "$S")"
rm -rf "$S"
expect_exit 0 "build-site after removing the unmarked _site" -- "$JOURNAL" build-site

OUT_DIR=$TEST_TMP/elsewhere/site
before=$(site_fingerprint "$S")
expect_exit 0 "build-site -o OUT exits 0" -- "$JOURNAL" build-site -o "$OUT_DIR"
check "-o OUT: OUT/index.html written" -- test -s "$OUT_DIR/index.html"
check "-o OUT: OUT/articles/9/index.html written" -- test -s "$OUT_DIR/articles/9/index.html"
check_eq "-o OUT: _site untouched" "$before" "$(site_fingerprint "$S")"
check_links "$OUT_DIR" "-o OUT: every relative link resolves"
EMPTY_DIR=$TEST_TMP/empty_out
mkdir -p "$EMPTY_DIR"
expect_exit 0 "build-site into an existing empty folder exits 0" -- "$JOURNAL" build-site -o "$EMPTY_DIR"
check "the empty folder now holds the site" -- test -s "$EMPTY_DIR/index.html"
expect_exit 0 "build-site -o RELATIVE from another cwd exits 0" -- \
    in_dir "$TEST_TMP/elsewhere" "$JOURNAL" -C "$J" build-site -o rel_site
check "-o with a relative path is relative to the cwd" -- test -s "$TEST_TMP/elsewhere/rel_site/index.html"

# refuse OUT_ARG DESC: build-site -o OUT_ARG (run in the journal) exits 1, changes nothing.
refuse() {
    local target=$1 desc=$2
    snapshot "$J" >"$TEST_TMP/.before"
    local outside_before
    outside_before=$(site_fingerprint "$TEST_TMP/mine")
    expect_exit 1 "$desc: build-site refuses (exit 1)" -- "$JOURNAL" build-site -o "$target"
    expect_stderr_match "^journal build-site: -o " "$desc: the message names -o and the folder"
    expect_unchanged "$TEST_TMP/.before" "$J" "$desc: journal byte-for-byte unchanged"
    check_eq "$desc: the other folder untouched" "$outside_before" "$(site_fingerprint "$TEST_TMP/mine")"
}
mkdir -p "$TEST_TMP/mine/sub"
echo "my notes" >"$TEST_TMP/mine/notes.txt"
echo "more" >"$TEST_TMP/mine/sub/more.txt"
refuse submissions "-o submissions (not made by journal)"
refuse "$TEST_TMP/mine" "-o a folder holding someone's files"
refuse "$TEST_TMP/mine/notes.txt" "-o an existing file"
refuse . "-o the journal itself"
refuse "$TEST_TMP" "-o a folder containing the journal"
refuse .git/site "-o inside .git"
refuse "_site/../submissions" "-o with '..'"
check "the refused -o submissions left submissions/1 in place" -- test -f "$J/submissions/1/manuscript.md"

# ---- an issue that lists an unpublished submission ----

expect_exit 0 "build-site before breaking issue 2" -- "$JOURNAL" build-site
site_before=$(site_fingerprint "$S")
cat >issues/2.yaml <<'EOF'
volume: 1
number: 2
year: 2025
date: 2025-12-15
title: "Digital Government and Public-Service Values"
articles:
  - 6
  - 7
  - 8
  - 9
  - 10
EOF
tgit commit -q -am "List submission 10 in issue 2 by mistake"
snapshot "$J" >"$TEST_TMP/.before"
expect_exit 1 "build-site with an unpublished article in an issue exits 1" -- "$JOURNAL" build-site
expect_stderr_match "^journal build-site: issues/2\.yaml:11: .*10.*not published" \
    "the message is issues/2.yaml:11: (the line of '- 10') ... not published"
check_eq "the existing _site is unchanged" "$site_before" "$(site_fingerprint "$S")"
expect_unchanged "$TEST_TMP/.before" "$J" "the journal is byte-for-byte unchanged"
check "no _site.tmp.* left behind" -- test -z "$(find "$J" -maxdepth 1 -name '_site.*')"
check "no staging folder left in _site" -- test -z "$(find "$S" -name '.journal-staging.*')"
expect_exit 1 "build-site -o NEW with the broken issue exits 1" -- \
    "$JOURNAL" build-site -o "$TEST_TMP/never"
check "the new output folder was not created" -- test ! -e "$TEST_TMP/never"
check "no never.tmp.* left behind" -- test -z "$(find "$TEST_TMP" -maxdepth 1 -name 'never.*')"

sed -i 's/^  - 10$/  - 3/' issues/2.yaml
tgit commit -q -am "List submission 3 in issue 2 although issue 1 has it"
expect_exit 1 "build-site with an article listed in two issues exits 1" -- "$JOURNAL" build-site
expect_stderr_match "submission 3 is listed in issue 1 and issue 2" \
    "the message names the article and both issues"
tgit reset -q --hard HEAD~1

sed -i 's/^  - 10$/  - 12/' issues/2.yaml
tgit commit -q -am "List a submission that does not exist"
expect_exit 1 "build-site with a missing article in an issue exits 1" -- "$JOURNAL" build-site
expect_stderr_match "^journal build-site: issues/2\.yaml:11: .*12.*does not exist" \
    "the message is issues/2.yaml:11: ... does not exist"
tgit reset -q --hard HEAD~2
expect_exit 0 "after the fix, build-site works again" -- "$JOURNAL" build-site

# ---- parallel rendering: the same site whatever the number of threads ----

expect_exit 0 "build-site -j 1" -- "$JOURNAL" build-site -j 1 -o "$TEST_TMP/one"
expect_exit 0 "build-site -j 4" -- "$JOURNAL" build-site -j 4 -o "$TEST_TMP/four"
check "one thread and four write the same files, byte for byte" -- \
    diff -r "$TEST_TMP/one" "$TEST_TMP/four"
expect_exit 0 "build-site -j2 (the number attached)" -- "$JOURNAL" build-site -j2 -o "$TEST_TMP/two"
expect_exit 0 "build-site --jobs=3" -- "$JOURNAL" build-site --jobs=3 -o "$TEST_TMP/three"
check "-j2 and --jobs=3 write the same files as one thread" -- \
    bash -c "diff -r '$TEST_TMP/one' '$TEST_TMP/two' && diff -r '$TEST_TMP/one' '$TEST_TMP/three'"
expect_exit 2 "build-site -j 0 is a usage error" -- "$JOURNAL" build-site -j 0
expect_exit 2 "build-site -j0 is a usage error" -- "$JOURNAL" build-site -j0
expect_exit 2 "build-site -jx is a usage error" -- "$JOURNAL" build-site -jx
expect_exit 2 "build-site -j many is a usage error" -- "$JOURNAL" build-site -j many

# ---- authors' HTML is escaped ----

X=$TEST_TMP/xss
new_journal "$X" "Escape <Test> & Journal" || finish
cat >"$TEST_TMP/xss.md" <<'EOF'
---
title: "Tom & Jerry <b>bold</b> \"quoted\""
abstract: "An <i>abstract</i> with <script>alert(2)</script> in it."
authors:
  - name: "Evil <img src=x onerror=alert(3)>"
    email: evil@example.org
    corresponding: true
    affiliations:
      - name: "Institute <u>of</u> Tests"
        country: KZ
---

Some text.

<script>alert(1)</script>

Inline <span onclick="alert(4)">html</span> and a [x](javascript:alert(1)) link
and a [y](JAVASCRIPT:alert(5)) one and ![z](javascript:alert(6)).

<iframe src="https://example.org/"></iframe>
EOF
expect_exit 0 "the hostile manuscript is accepted" -- in_dir "$TEST_TMP" "$JOURNAL" -C "$X" submit xss.md
check_eq "the hostile manuscript is accepted as submission 1" "1" "$(cat "$OUT")"
cat >"$X/submissions/1/submission.yaml" <<'EOF'
number: 1
state: published
submitted: 2026-01-10
accepted: 2026-01-12
published: 2026-01-15
issue: 1
EOF
cat >"$X/issues/1.yaml" <<'EOF'
volume: 1
number: 1
year: 2026
date: 2026-01-15
title: "First <em>issue</em>"
articles: [1]
EOF
tgit -C "$X" add -A && tgit -C "$X" commit -q -m "Publish 1 in issue 1"
expect_exit 0 "build-site with the hostile article exits 0" -- "$JOURNAL" -C "$X" build-site
expect_stdout_match "^Built [0-9]+ pages \(1 issue, 1 article\) and [0-9]+ assets into " \
    "... and counts one issue and one article in the singular"
page=$X/_site/articles/1/index.html
check "the article page exists" -- test -s "$page"
check "the body's <script> is shown escaped (&lt;script&gt;)" -- grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$page"
check "no <script anywhere in the article page (but the theme's JSON-LD)" -- \
    bash -c "! grep -oi '<script[^>]*>' '$page' | grep -vxF '<script type=\"application/ld+json\">' | grep -q ."
check "no javascript: anywhere in the article page" -- bash -c "! grep -qi 'javascript:' '$page'"
check "no raw <iframe, <span onclick, <img onerror in the article page" -- \
    bash -c "! grep -qiE '<iframe|<span onclick|<img src=x' '$page'"
check "the title's <b> is escaped" -- grep -qF 'Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;' "$page"
check "the affiliation's <u> is escaped" -- grep -qF 'Institute &lt;u&gt;of&lt;/u&gt; Tests' "$page"
check "no <script (but the theme's own table sorter and search), javascript: or raw author HTML anywhere" -- \
    bash -c "! grep -rhoiE --include='*.html' '<script[^>]*>|javascript:|<img src=x|<b>bold|<u>of|<em>issue' '$X/_site' |
        grep -vxE '<script src=\"(\.\./)+assets/search\.js\">' |
        grep -vxF '<script src=\"../assets/sortable.js\" defer>' |
        grep -vxF '<script type=\"application/ld+json\">' |
        grep -vxF '<script src=\"../../assets/sortable.js\" defer>' | grep -q ."
check_links "$X/_site" "hostile journal: every relative link resolves" allow-empty

# ---- journal reads HEAD: uncommitted edits are not built, and the user is told ----

expect_exit 0 "build-site with a clean work tree" -- "$JOURNAL" -C "$J" build-site
if grep -q "warning" "$ERR"; then
    fail "clean work tree: no uncommitted-changes warning" "$(cat "$ERR")"
else
    pass "clean work tree: no uncommitted-changes warning"
fi
sed -i "s/Merit, Performance and Integrity in the Civil Service/Edited but not committed/" "$J/issues/1.yaml"
expect_exit 0 "build-site with an uncommitted issue edit" -- "$JOURNAL" -C "$J" build-site
expect_stderr_match "warning: 1 file of the journal has uncommitted changes \(issues/1\.yaml\); the site shows the last commit" \
    "build-site warns about the uncommitted issues/1.yaml"
if grep -rq "Edited but not committed" "$J/_site"; then
    fail "the uncommitted title is not on the site"
else
    pass "the uncommitted title is not on the site"
fi
git -C "$J" checkout -q -- issues/1.yaml

finish
