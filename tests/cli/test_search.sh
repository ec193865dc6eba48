#!/usr/bin/env bash
# build-site writes the site's full-text search index with Pagefind (pagefind/, a search page
# per language), makes it again only when a page changed, keeps the old site when Pagefind
# fails, says how to install a missing Pagefind, and writes none with search: false.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site
OUT=$TEST_TMP/out
ERR=$TEST_TMP/err

# index_fingerprint: every file of pagefind/ with its content.
index_fingerprint() {
    (cd "$S/pagefind" 2>/dev/null && find . -type f -print0 | LC_ALL=C sort -z |
        xargs -0 -r sha256sum) || echo "no pagefind/"
}

expect_exit 0 "build-site builds the sample journal with its search index" -- \
    "$JOURNAL" build-site --verbose
check "the index is in pagefind/, with Pagefind's interface" -- \
    test -f "$S/pagefind/pagefind-entry.json" -a -f "$S/pagefind/pagefind-ui.js"
check "the index has a part per language of the site (en, ru)" -- python3 - "$S" <<'PY'
import json, sys
entry = json.load(open(sys.argv[1] + "/pagefind/pagefind-entry.json"))
assert set(entry["languages"]) == {"en", "ru"}, entry["languages"]
PY
expect_stderr_match "indexed [0-9]+ pages for search \\(Pagefind\\)" "--verbose says the pages were indexed"
check "a search page in each language" -- test -f "$S/search/index.html" -a -f "$S/ru/search/index.html"
check "the header links to the search page" -- grep -q 'href="search/index.html"' "$S/index.html"
check "only articles and the journal's pages are indexed (data-pagefind-body), not listings" -- \
    sh -c "grep -q 'data-pagefind-body' '$S/articles/1/index.html' && ! grep -q 'data-pagefind-body' '$S/index.html' '$S/archive/index.html'"
check "the article carries its authors, issue, year, type and language (codes) for the results and filters" -- \
    sh -c "grep -q 'data-pagefind-meta=\"authors\[value\]\"' '$S/articles/1/index.html' &&
           grep -q 'data-pagefind-meta=\"issue\[value\]\"' '$S/articles/1/index.html' &&
           grep -q 'data-pagefind-filter=\"year\[value\]\" value=\"2025\"' '$S/articles/1/index.html' &&
           grep -q 'data-pagefind-filter=\"language\[value\]\" value=\"ru\"' '$S/articles/2/index.html'"
check "the index leaves no work folder behind" -- \
    sh -c "! ls -a '$S' | grep -q journal-staging"

# Nothing changed: the index is kept as it is.
before=$(index_fingerprint)
expect_exit 0 "a second build changes nothing" -- "$JOURNAL" build-site --verbose
check_eq "the index is kept when no page changed" "$before" "$(index_fingerprint)"
if grep -q "for search" "$ERR"; then
    fail "Pagefind does not run when no page changed" "$(grep 'for search' "$ERR")"
else
    pass "Pagefind does not run when no page changed"
fi

# One article changed: the index is made again, from the kept pages too.
pages_before=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(sum(l["page_count"] for l in e["languages"].values()))' "$S/pagefind/pagefind-entry.json")
sed -i 's/^## Introduction/## Introduction\n\nZanzibarquokka is a word no other page holds./' submissions/1/manuscript.md
tgit commit -qam "Change article 1"
expect_exit 0 "a build after one article changed" -- "$JOURNAL" build-site --verbose
expect_stderr_match "indexed [0-9]+ pages for search" "Pagefind runs again when a page changed"
pages_after=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(sum(l["page_count"] for l in e["languages"].values()))' "$S/pagefind/pagefind-entry.json")
check_eq "the new index still holds every page (the kept ones too)" "$pages_before" "$pages_after"
check "the new index holds the new word" -- \
    sh -c "cat '$S'/pagefind/index/*.pf_index | gzip -dc 2>/dev/null | grep -qa zanzibarquokka"

# Pagefind fails: the build fails and the site is as it was.
cat >"$TEST_TMP/failing-pagefind" <<'SH'
#!/bin/sh
echo "Error: something went wrong in the index" >&2
exit 4
SH
chmod +x "$TEST_TMP/failing-pagefind"
sed -i 's/Zanzibarquokka/Quokkazanzibar/' submissions/1/manuscript.md
tgit commit -qam "Change article 1 again"
site_before=$(cd "$S" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
expect_exit 3 "a build whose Pagefind fails fails" -- \
    env JOURNAL_PAGEFIND="$TEST_TMP/failing-pagefind" "$JOURNAL" build-site
expect_stderr_match "Pagefind \\(.*failing-pagefind\\) failed with exit status 4: Error: something went wrong" \
    "the error names Pagefind, its exit status and what it said"
check_eq "the site is left as the last build made it" "$site_before" \
    "$(cd "$S" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)"

# A journal killed while Pagefind runs takes Pagefind with it: left running, it would go on
# writing into the staging folder that the next build removes. The stand-in says it started,
# then would leave a mark a second later if it were still alive.
cat >"$TEST_TMP/slow-pagefind" <<SH
#!/bin/sh
touch "$TEST_TMP/pagefind-started"
sleep 1
touch "$TEST_TMP/pagefind-outlived-journal"
SH
chmod +x "$TEST_TMP/slow-pagefind"
sed -i 's/Quokkazanzibar/Zanzibarquokka/' submissions/1/manuscript.md
tgit commit -qam "Change article 1 once more"
rm -f "$TEST_TMP/pagefind-started" "$TEST_TMP/pagefind-outlived-journal"
JOURNAL_PAGEFIND="$TEST_TMP/slow-pagefind" "$JOURNAL" build-site >/dev/null 2>&1 &
journal_pid=$!
for _ in $(seq 600); do
    [ -e "$TEST_TMP/pagefind-started" ] && break
    sleep 0.1
done
check "the stand-in Pagefind started" -- test -e "$TEST_TMP/pagefind-started"
kill -KILL "$journal_pid"
wait "$journal_pid" 2>/dev/null
sleep 2
check "Pagefind does not outlive a killed journal" -- test ! -e "$TEST_TMP/pagefind-outlived-journal"
expect_exit 0 "the build after the killed one" -- "$JOURNAL" build-site
check "... leaves no staging folder" -- sh -c "! ls -a '$S' | grep -q journal-staging"

# Pagefind missing: a clear error saying how to install it, before anything is written.
expect_exit 1 "a build with no Pagefind where JOURNAL_PAGEFIND says fails" -- \
    env JOURNAL_PAGEFIND="$TEST_TMP/no-such-pagefind" "$JOURNAL" build-site -o "$TEST_TMP/new-site"
expect_stderr_match "no-such-pagefind: no such program.*scripts/install-deps.*search: false" \
    "the error says how to install Pagefind, or to turn search off"
check "nothing is written" -- test ! -e "$TEST_TMP/new-site"

# search: false: no index, no search page, no link; the last build's index is removed.
printf 'search: false\n' >>journal.yaml
tgit commit -qam "No search"
expect_exit 0 "build-site with search: false needs no Pagefind" -- \
    env JOURNAL_PAGEFIND="$TEST_TMP/no-such-pagefind" "$JOURNAL" build-site
check "with search: false the site has no pagefind/" -- test ! -e "$S/pagefind"
check "with search: false there is no search page" -- test ! -e "$S/search/index.html" -a ! -e "$S/ru/search/index.html"
check "with search: false the header has no search link" -- sh -c "! grep -q 'search/index.html' '$S/index.html'"
expect_exit 0 "a new site with search: false" -- "$JOURNAL" build-site -o "$TEST_TMP/no-search"
check "a new site with search: false has no pagefind/" -- test ! -e "$TEST_TMP/no-search/pagefind"

# search must be true or false.
sed -i 's/^search: false$/search: sometimes/' journal.yaml
tgit commit -qam "Bad search"
expect_exit 1 "search: sometimes is refused" -- "$JOURNAL" build-site
expect_stderr_match "journal.yaml:[0-9]+:[0-9]+: 'search' must be true or false" "the error names the line"

finish
