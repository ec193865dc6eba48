#!/usr/bin/env bash
# A reviewer's country in reviewers.yaml written as a part of the United Kingdom ("England",
# "Scotland", "Wales", "Northern Ireland") is taken as GB, and `journal reviewers` says so with
# the file, line and column, as submit says it of an author's; the listing goes on.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
# The first two reviewers' countries (KZ, Kazakhstan) become England and Wales.
ENGLAND_LINE=$(grep -n '^      country: KZ$' "$J/reviewers.yaml" | head -1 | cut -d: -f1)
WALES_LINE=$(grep -n '^      country: Kazakhstan$' "$J/reviewers.yaml" | head -1 | cut -d: -f1)
[ -n "$ENGLAND_LINE" ] && [ -n "$WALES_LINE" ] || fail "the sample roster has the countries to edit"
sed -i -e "${ENGLAND_LINE}s/KZ/England/" -e "${WALES_LINE}s/Kazakhstan/Wales/" "$J/reviewers.yaml"
tgit -C "$J" commit -q -am "Reviewers in England and Wales" || fail "commit reviewers.yaml"

expect_exit 0 "journal reviewers lists a roster with England and Wales" -- "$JOURNAL" -C "$J" reviewers
expect_stderr_match "^journal reviewers: warning: reviewers\.yaml:${ENGLAND_LINE}:16: 'England' counts as the United Kingdom \(GB\)" \
    "England: a note that it counts as the United Kingdom, with file, line and column"
expect_stderr_match "^journal reviewers: warning: reviewers\.yaml:${WALES_LINE}:16: 'Wales' counts as the United Kingdom \(GB\)" \
    "Wales: the same note, at its own line"
check_eq "no other warning" 2 "$(grep -c 'warning' "$ERR")"
expect_stdout_match "^asel-bekova +Asel Bekova +GB " "the reviewer in England is listed in GB"

expect_exit 0 "journal reviewers --json" -- "$JOURNAL" -C "$J" reviewers --json
check "--json gives GB as the country of both" -- python3 -c '
import json, sys
rows = {r["id"]: r["country"] for r in json.load(open(sys.argv[1]))}
assert rows["asel-bekova"] == "GB" and rows["yerlan-dzhaksybekov"] == "GB", rows
' "$OUT"

finish
