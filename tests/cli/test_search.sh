#!/usr/bin/env bash
# build-site writes the site's full-text search index with Pagefind in shards (pagefind/<shard>/,
# listed in pagefind/shards.json; a search page per language), makes a shard again only when one
# of its pages changed, keeps the old site when Pagefind fails, says how to install a missing
# Pagefind, and writes none with search: false.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site
OUT=$TEST_TMP/out
ERR=$TEST_TMP/err

# Shards of 3 articles: the sample's 9 articles of 2025 are the shards 2025, 2025-2 and 2025-3
# (issue 1's articles 1-5 first, then issue 2's 6-9), and the journal's pages are the shard
# "pages".
export JOURNAL_SEARCH_SHARD_SIZE=3
# A stand-in Pagefind that logs each run (the articles it was given, or "pages") and runs the
# real one.
REAL_PAGEFIND=${JOURNAL_PAGEFIND:-}
RUNS=$TEST_TMP/pagefind-runs
cat >"$TEST_TMP/logging-pagefind" <<SH
#!/bin/sh
# argv: --site DIR --output-path DIR ...
arts=\$(cd "\$2" && find articles -name index.html 2>/dev/null | LC_ALL=C sort | tr '\n' ' ')
echo "run: \${arts:-pages}" >>"$RUNS"
exec "$REAL_PAGEFIND" "\$@"
SH
chmod +x "$TEST_TMP/logging-pagefind"
if [ -n "$REAL_PAGEFIND" ]; then
    export JOURNAL_PAGEFIND=$TEST_TMP/logging-pagefind
fi

# index_fingerprint [SHARD]: every file of pagefind/ (or of one shard's folder) with its content.
index_fingerprint() {
    (cd "$S/pagefind/${1:-}" 2>/dev/null && find . -type f -print0 | LC_ALL=C sort -z |
        xargs -0 -r sha256sum) || echo "no pagefind/${1:-}"
}
# indexed_pages: the pages of every shard's index, all languages.
indexed_pages() {
    python3 - "$S" <<'PY'
import json, sys
shards = json.load(open(sys.argv[1] + "/pagefind/shards.json"))["shards"]
total = 0
for s in shards:
    entry = json.load(open(sys.argv[1] + "/pagefind/" + s["path"] + "pagefind-entry.json"))
    total += sum(l["page_count"] for l in entry["languages"].values())
print(total)
PY
}

rm -f "$RUNS"
expect_exit 0 "build-site builds the sample journal with its search index" -- \
    "$JOURNAL" build-site --verbose
check "the index is in shards, listed in pagefind/shards.json, each with Pagefind's interface" -- python3 - "$S" <<'PY'
import json, os, sys
shards = json.load(open(sys.argv[1] + "/pagefind/shards.json"))["shards"]
paths = [s["path"] for s in shards]
assert paths == ["2025/", "2025-2/", "2025-3/", "pages/"], paths
for p in paths:
    for f in ("pagefind-entry.json", "pagefind.js", "pagefind-ui.js", "pagefind-ui.css"):
        assert os.path.isfile(sys.argv[1] + "/pagefind/" + p + f), p + f
PY
check "each shard lists the languages of its index, and the site's are en and ru" -- python3 - "$S" <<'PY'
import json, sys
shards = json.load(open(sys.argv[1] + "/pagefind/shards.json"))["shards"]
langs = set()
for s in shards:
    entry = json.load(open(sys.argv[1] + "/pagefind/" + s["path"] + "pagefind-entry.json"))
    assert s["languages"] == {k: v["page_count"] for k, v in entry["languages"].items()}, (s, entry)
    langs |= set(s["languages"])
assert langs == {"en", "ru"}, langs
PY
expect_stderr_match "indexed [0-9]+ pages for search \\(Pagefind, shard 2025-2\\)" "--verbose says each shard's pages were indexed"
if [ -n "$REAL_PAGEFIND" ]; then
    check_eq "Pagefind ran once per shard, each over its own articles' pages" \
        "run: articles/1/index.html articles/2/index.html articles/3/index.html 
run: articles/4/index.html articles/5/index.html articles/6/index.html 
run: articles/7/index.html articles/8/index.html articles/9/index.html 
run: pages" "$(cat "$RUNS")"
fi
check "a search page in each language" -- test -f "$S/search/index.html" -a -f "$S/ru/search/index.html"
check "the header links to the search page" -- grep -q 'href="search/index.html"' "$S/index.html"
check "only articles and the journal's pages are indexed (data-pagefind-body), not listings" -- \
    sh -c "grep -q 'data-pagefind-body' '$S/articles/1/index.html' && ! grep -q 'data-pagefind-body' '$S/index.html' '$S/archive/index.html'"
check_eq "the indexes hold the 9 articles and the journal's 2 pages" "11" "$(indexed_pages)"
check "the article carries its authors, issue, year, type and language (codes) for the results and filters" -- \
    sh -c "grep -q 'data-pagefind-meta=\"authors\[value\]\"' '$S/articles/1/index.html' &&
           grep -q 'data-pagefind-meta=\"issue\[value\]\"' '$S/articles/1/index.html' &&
           grep -q 'data-pagefind-filter=\"year\[value\]\" value=\"2025\"' '$S/articles/1/index.html' &&
           grep -q 'data-pagefind-filter=\"language\[value\]\" value=\"ru\"' '$S/articles/2/index.html'"
check "the index leaves no work folder behind" -- \
    sh -c "! ls -a '$S' | grep -q journal-staging"

# Nothing changed: the index is kept as it is.
before=$(index_fingerprint)
rm -f "$RUNS"
expect_exit 0 "a second build changes nothing" -- "$JOURNAL" build-site --verbose
check_eq "the index is kept when no page changed" "$before" "$(index_fingerprint)"
if grep -q "for search" "$ERR" || [ -e "$RUNS" ]; then
    fail "Pagefind does not run when no page changed" "$(grep 'for search' "$ERR"; cat "$RUNS" 2>/dev/null)"
else
    pass "Pagefind does not run when no page changed"
fi

# One article's text changed: its shard is indexed again, from its kept pages too; the other
# shards are not touched.
others_before=$(for s in 2025 2025-3 pages; do index_fingerprint $s; done)
shard_before=$(index_fingerprint 2025-2)
list_before=$(cat "$S/pagefind/shards.json")
rm -f "$RUNS"
sed -i 's/^## Why induction matters/## Why induction matters\n\nZanzibarquokka is a word no other page holds./' submissions/5/manuscript.md
tgit commit -qam "Change article 5"
expect_exit 0 "a build after one article changed" -- "$JOURNAL" build-site --verbose
expect_stderr_match "indexed 3 pages for search \\(Pagefind, shard 2025-2\\)" "Pagefind indexes the article's shard again, all of its pages"
if [ -n "$REAL_PAGEFIND" ]; then
    check_eq "Pagefind ran once, over the changed article's shard only" \
        "run: articles/4/index.html articles/5/index.html articles/6/index.html " "$(cat "$RUNS")"
fi
check_eq "the other shards' files are byte for byte as they were" "$others_before" \
    "$(for s in 2025 2025-3 pages; do index_fingerprint $s; done)"
check "the changed shard's index is new" -- test "$shard_before" != "$(index_fingerprint 2025-2)"
check_eq "the indexes still hold every page" "11" "$(indexed_pages)"
check "the new index holds the new word" -- \
    sh -c "cat '$S'/pagefind/2025-2/index/*.pf_index | gzip -dc 2>/dev/null | grep -qa zanzibarquokka"
check "... and no other shard has it" -- \
    sh -c "! cat '$S'/pagefind/2025/index/*.pf_index '$S'/pagefind/pages/index/*.pf_index | gzip -dc 2>/dev/null | grep -qa zanzibarquokka"
check_eq "the list of shards is as it was" "$list_before" "$(cat "$S/pagefind/shards.json")"

# A bigger shard size: the articles are one shard, the old shards' files are removed.
rm -f "$RUNS"
expect_exit 0 "a build with shards of 250 articles" -- env JOURNAL_SEARCH_SHARD_SIZE=250 "$JOURNAL" build-site
check_eq "the year's 9 articles are one shard" '{"shards":[{"path":"2025/","languages":{"en":8,"ru":1}},{"path":"pages/","languages":{"en":1,"ru":1}}]}' \
    "$(cat "$S/pagefind/shards.json")"
check "the shards no longer listed are gone" -- test ! -e "$S/pagefind/2025-2" -a ! -e "$S/pagefind/2025-3"
check_eq "the indexes still hold every page" "11" "$(indexed_pages)"
expect_exit 0 "back to shards of 3" -- "$JOURNAL" build-site

# Runs of whole years: issue 2 (4 articles) moved to 2026, after issue 1's 5 articles of 2025.
shard_paths() { python3 -c 'import json,sys; print(" ".join(s["path"] for s in json.load(open(sys.argv[1]))["shards"]))' "$S/pagefind/shards.json"; }
sed -i 's/^year: 2025$/year: 2026/; s/^date: 2025-12-15$/date: 2026-01-10/' issues/2.yaml
tgit commit -qam "Issue 2 in 2026"
expect_exit 0 "a build with issue 2 in 2026, shards of 10" -- env JOURNAL_SEARCH_SHARD_SIZE=10 "$JOURNAL" build-site
check_eq "two years of 5 and 4 articles are one shard, named by its first year" "2025/ pages/" "$(shard_paths)"
expect_exit 0 "the same with shards of 8" -- env JOURNAL_SEARCH_SHARD_SIZE=8 "$JOURNAL" build-site
check_eq "a year that does not fit starts a shard of its own" "2025/ 2026/ pages/" "$(shard_paths)"
tgit revert --no-edit HEAD >/dev/null
expect_exit 0 "issue 2 back in 2025" -- "$JOURNAL" build-site
check_eq "... and the year is split again" "2025/ 2025-2/ 2025-3/ pages/" "$(shard_paths)"

# With the galleys on, an edited article's shard is indexed while its galley is typeset, not
# after it: Pagefind is started once the article's page is written. The stand-in, for a shard
# of articles, waits up to 10 s to see one of journal's WeasyPrint drivers (a Python child of
# journal) running beside it, and logs whether it did.
if [ -n "$REAL_PAGEFIND" ] && command -v weasyprint >/dev/null; then
    G=$TEST_TMP/galleys
    sample_journal "$G" || finish
    sed -i '/^pdf: false$/d' "$G/journal.yaml"
    tgit -C "$G" commit -qam "Galleys on"
    OVERLAP=$TEST_TMP/pagefind-overlap
    cat >"$TEST_TMP/watching-pagefind" <<SH
#!/bin/sh
if [ -e "$TEST_TMP/watch" ] && [ -d "\$2/articles" ]; then
    seen=no
    for _ in \$(seq 100); do
        for p in \$(pgrep -P \$PPID); do
            case \$(cat /proc/\$p/comm 2>/dev/null) in python*) seen=yes ;; esac
        done
        [ \$seen = yes ] && break
        sleep 0.1
    done
    echo "\$seen" >>"$OVERLAP"
fi
exec "$REAL_PAGEFIND" "\$@"
SH
    chmod +x "$TEST_TMP/watching-pagefind"
    rm -f "$TEST_TMP/watch" "$OVERLAP"
    expect_exit 0 "build-site with the galleys and search" -- \
        env JOURNAL_PAGEFIND="$TEST_TMP/watching-pagefind" "$JOURNAL" -C "$G" build-site
    printf '\nA sentence added to article 5.\n' >>"$G/submissions/5/manuscript.md"
    tgit -C "$G" commit -qam "Change article 5"
    touch "$TEST_TMP/watch"
    expect_exit 0 "build-site after article 5 is edited" -- \
        env JOURNAL_PAGEFIND="$TEST_TMP/watching-pagefind" "$JOURNAL" -C "$G" build-site --json
    expect_stdout_match '"typeset": *1[,}]' "... typesets its galley again"
    check_eq "its shard is indexed while its galley is typeset (a WeasyPrint driver runs beside Pagefind)" \
        "yes" "$(cat "$OVERLAP" 2>/dev/null)"
fi

# Pagefind fails: the build fails and the site is as it was.
cat >"$TEST_TMP/failing-pagefind" <<'SH'
#!/bin/sh
echo "Error: something went wrong in the index" >&2
exit 4
SH
chmod +x "$TEST_TMP/failing-pagefind"
sed -i 's/Zanzibarquokka/Quokkazanzibar/' submissions/5/manuscript.md
tgit commit -qam "Change article 5 again"
site_before=$(cd "$S" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
expect_exit 3 "a build whose Pagefind fails fails" -- \
    env JOURNAL_PAGEFIND="$TEST_TMP/failing-pagefind" "$JOURNAL" build-site
expect_stderr_match "the search index \\(shard 2025\\): Pagefind \\(.*failing-pagefind\\) failed with exit status 4: Error: something went wrong" \
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
sed -i 's/Quokkazanzibar/Zanzibarquokka/' submissions/5/manuscript.md
tgit commit -qam "Change article 5 once more"
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
