#!/usr/bin/env bash
# Cross-site scripting, without a browser: the hostile corpus of tests/xss/ goes
# through submit, assign, review (signed, open review), decide and build-issue,
# and is built with allow_raw_html false and true (tests/xss/build-sites.sh);
# tests/xss/check_outputs.py then reads every page, the meta tags, the JSON-LD,
# the feeds, OAI-PMH, sitemap, JATS, CSL-JSON, RIS and BibTeX for content that
# broke out of its escaping. (tests/browser/xss.test.mjs opens the same sites in
# Chromium.)
. "$(dirname "$0")/lib.sh"

W=$TEST_TMP/xss
if bash "$SOURCE_DIR/tests/xss/build-sites.sh" "$JOURNAL" "$W" >"$OUT" 2>"$ERR"; then
    pass "the hostile manuscripts are accepted, reviewed, published and built into two sites"
else
    fail "the hostile manuscripts are accepted, reviewed, published and built into two sites" "$(show_output)"
    finish
fi

# Each manuscript was accepted as it is: the stored copy is the submitted file.
i=0
for name in front-matter body template; do
    i=$((i + 1))
    n=$(sed -n "${i}p" "$W/numbers")
    check "submission $n is $name.md, byte for byte" -- cmp "$SOURCE_DIR/tests/xss/$name.md" \
        "$W/journal/submissions/$n/manuscript.md"
done

# What submit refuses is refused with file, line and column, and changes nothing.
before=$TEST_TMP/.before
snapshot "$W/journal" >"$before"
sed "s|^    email: .*|    email: 'eve@example.org?subject=<script>alert(1)</script>'|" \
    "$SOURCE_DIR/tests/xss/front-matter.md" >"$TEST_TMP/bad-email.md"
expect_exit 1 "an email address with a query and markup is refused" -- \
    "$JOURNAL" -C "$W/journal" submit "$TEST_TMP/bad-email.md"
expect_stderr_match "bad-email\.md:[0-9]+:[0-9]+: 'eve@example\.org\?subject=<script>alert\(1\)</script>' is not an email address" \
    "the refusal names file, line, column and the address"
expect_unchanged "$before" "$W/journal" "the refused submission changed nothing"

# The checks of what the sites hold, one line each.
python3 "$SOURCE_DIR/tests/xss/check_outputs.py" "$W" "$SOURCE_DIR/tests/xss" >"$OUT" 2>"$ERR"
status=$?
while IFS= read -r line; do
    case $line in
    "ok - "*) pass "${line#ok - }" ;;
    "not ok - "*) fail "${line#not ok - }" ;;
    "    # "*) echo "$line" ;;
    esac
done <"$OUT"
[ "$status" -eq 0 ] || [ "$FAILED" -gt 0 ] || fail "check_outputs.py exited $status" "$(head -c 2000 "$ERR")"
[ -s "$ERR" ] && [ "$status" -ne 0 ] && fail "check_outputs.py ran to the end" "$(head -c 2000 "$ERR")"

# The hostile articles are still valid JATS, CSL-JSON, OAI and sitemap, both ways.
check_site_valid "$W/site-safe" "the site without raw HTML"
check_site_valid "$W/site-raw" "the site with raw HTML"

# Raw HTML changes only the body and the pages, never the escaping of the front matter.
check_eq "the hostile title's page head is the same with and without raw HTML" \
    "$(sed -n '/<head>/,/<\/head>/p' "$W/site-safe/articles/$(head -1 "$W/numbers")/index.html" | md5sum)" \
    "$(sed -n '/<head>/,/<\/head>/p' "$W/site-raw/articles/$(head -1 "$W/numbers")/index.html" | md5sum)"
finish
