#!/usr/bin/env bash
# journal build-issue: an issue assembled from accepted submissions, published in
# one commit with pages and DOIs; refusals leave everything as it was; scheduled
# issues stay off the site; a published issue changes only with --correct.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish
PY=/usr/bin/python3
"$JOURNAL" -C "$J" list >/dev/null

# Accept 10 and 11 through the workflow (assign, review, decide), as an office would.
echo "Sound." >c.md
for n in 10 11; do
    "$JOURNAL" -C "$J" assign "$n" --reviewer michael-brennan >/dev/null 2>&1 ||
        "$JOURNAL" -C "$J" assign "$n" --reviewer armen-hovhannisyan >/dev/null
    who=$(grep -m1 -A1 "^- reviewer:" "$J/submissions/$n/submission.yaml" | head -1 | sed 's/.*reviewer: //')
    "$JOURNAL" -C "$J" review "$n" --verdict accept --comments c.md --as "$who" >/dev/null
done
expect_exit 0 "decide 10 accept" -- "$JOURNAL" -C "$J" decide 10 accept
before=$TEST_TMP/.before
snapshot "$J" >"$before"

# Refusals: nothing written.
expect_exit 1 "an unaccepted submission is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 10 11
expect_stderr_match "submission 11 is under-review: only accepted submissions can be published" \
    "the refusal names the submission and its state"
expect_exit 1 "an already published article is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 10 3
expect_stderr_match "submission 3 is already published in issue 1" "the refusal names its issue"
expect_exit 1 "an unknown submission is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 99
expect_exit 1 "a submission named twice is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 10 10
expect_stderr_match "submission 10 is named twice" "the refusal says so"
expect_exit 2 "--add without numbers is a usage error" -- "$JOURNAL" -C "$J" build-issue 3 --add
expect_exit 1 "--date that is not a date" -- "$JOURNAL" -C "$J" build-issue 3 --date 2026-02-30
expect_exit 2 "--guest-editor without a special edition is refused" -- \
    "$JOURNAL" -C "$J" build-issue 3 --guest-editor "Li Wei"
expect_stderr_match "guest editors edit a special edition; give --special" "the refusal says what is missing"
expect_exit 2 "--guest-editor without a name is a usage error" -- \
    "$JOURNAL" -C "$J" build-issue 3 --special "S" --guest-editor ""
expect_unchanged "$before" "$J" "the refused builds changed nothing"

# --dry-run prints the table of contents and changes nothing.
expect_exit 0 "build-issue --dry-run" -- "$JOURNAL" -C "$J" build-issue 3 --title "Careers" --dry-run
expect_stdout_match "^Would publish issue 3: Vol\. 2, No\. 1 \(2026\), 2026-01-15, \"Careers\"" \
    "the dry run names the issue (a new year starts volume 2)"
expect_stdout_match "pp\. 1-[0-9]+, doi:10\.99999/jcsrp\.2026\.2\.1\.1 \(submission 10\)" \
    "the dry run shows pages and the DOI from the pattern"
expect_unchanged "$before" "$J" "--dry-run changed nothing"

# Publish: one commit, the manifest, the article published with its DOI.
commits=$(commit_count "$J")
expect_exit 0 "build-issue 3 (only the accepted 10 waits)" -- "$JOURNAL" -C "$J" build-issue 3 --title "Careers" \
    --special "Onboarding in the civil service" --guest-editor "Li Wei, Tsinghua University" \
    --guest-editor "Anna Petrosyan"
expect_stdout_match "^Guest editors: Li Wei, Tsinghua University; Anna Petrosyan$" \
    "the table of contents names the guest editors"
check_eq "one commit" "$((commits + 1))" "$(commit_count "$J")"
check "the manifest and the record agree" -- "$PY" -c '
import sys, yaml
j = sys.argv[1]
issue = yaml.safe_load(open(j + "/issues/3.yaml"))
assert (issue["volume"], issue["number"], issue["year"]) == (2, 1, 2026), issue
assert issue["special"] == "Onboarding in the civil service", issue
assert issue["guest_editors"] == [{"name": "Li Wei", "affiliation": "Tsinghua University"},
                                  {"name": "Anna Petrosyan"}], issue
assert [a["submission"] for a in issue["articles"]] == [10], issue
r = yaml.safe_load(open(j + "/submissions/10/submission.yaml"))
assert r["state"] == "published" and r["issue"] == 3 and r["doi"] == "10.99999/jcsrp.2026.2.1.1", r
assert r["published"] == issue["date"], r' "$J"
expect_exit 0 "build-site shows the new issue" -- "$JOURNAL" -C "$J" build-site
check "the article page exists and shows its DOI" -- grep -q "10.99999/jcsrp.2026.2.1.1" "$J/_site/articles/10/index.html"
check "the issue page names the guest editors with their affiliation" -- grep -qF \
    'Guest editors:</span> <span class="guest-editor">Li Wei <span class="guest-editor-affiliation">(Tsinghua University)</span></span>, <span class="guest-editor">Anna Petrosyan</span>' \
    "$J/_site/issues/3/index.html"
check "the Russian issue page names them too" -- grep -qF 'Приглашённые редакторы:' "$J/_site/ru/issues/3/index.html"

# A published issue changes only with --correct, which is recorded.
expect_exit 0 "decide 11 accept" -- "$JOURNAL" -C "$J" decide 11 accept
snapshot "$J" >"$before"
expect_exit 1 "adding to a published issue without --correct is refused" -- "$JOURNAL" -C "$J" build-issue 3 --add 11
expect_stderr_match "issue 3 is published: it changes only with --correct" "the refusal says how"
expect_unchanged "$before" "$J" "the refusal changed nothing"
expect_exit 0 "build-issue 3 --add 11 --correct NOTE" -- \
    "$JOURNAL" -C "$J" build-issue 3 --add 11 --correct "Added an article omitted by mistake"
expect_stdout_match "^Corrected issue 3: " "... says it corrected issue 3"
check "the correction is recorded with its date and both articles are listed" -- "$PY" -c '
import sys, yaml
issue = yaml.safe_load(open(sys.argv[1] + "/issues/3.yaml"))
corrections = [{"date": str(c["date"]), "note": c["note"]} for c in issue["corrections"]]
assert corrections == [{"date": "2026-01-15", "note": "Added an article omitted by mistake"}], issue
assert sorted(a["submission"] for a in issue["articles"]) == [10, 11], issue
pages = [a["pages"] for a in issue["articles"]]
ends = [int(p.split("-")[1]) for p in pages]
starts = [int(p.split("-")[0]) for p in pages]
assert starts[0] == 1 and starts[1] == ends[0] + 1, pages' "$J"

# Scheduled: an issue dated in the future stays off the site until built again on its date.
J2=$TEST_TMP/scheduled
sample_journal "$J2" || finish
sed -i 's/^state: submitted/state: accepted/' "$J2/submissions/10/submission.yaml"
tgit -C "$J2" commit -qam "Accept 10"
expect_exit 0 "build-issue 3 --date in the future" -- "$JOURNAL" -C "$J2" build-issue 3 --date 2026-06-30
expect_stdout_match "^Scheduled issue 3" "the issue is scheduled"
check "the article waits as scheduled" -- grep -q "^state: scheduled" "$J2/submissions/10/submission.yaml"
expect_exit 0 "a scheduled issue can be rebuilt without --correct" -- \
    "$JOURNAL" -C "$J2" build-issue 3 --date 2026-06-30 --title "Summer"
expect_exit 0 "build-site before the date" -- "$JOURNAL" -C "$J2" build-site
check "the scheduled issue and article are not on the site" -- \
    sh -c "test ! -e '$J2/_site/issues/3' && test ! -e '$J2/_site/articles/10'"
export JOURNAL_TODAY=2026-07-01
expect_exit 1 "after the date, build-site asks for the issue to be published" -- "$JOURNAL" -C "$J2" build-site
expect_stderr_match "issues/3\.yaml:[0-9]+: lists submission 10, which is not published \(its state is scheduled\).*build-issue" \
    "the message says how"
expect_exit 0 "build-issue 3 on its date publishes it" -- "$JOURNAL" -C "$J2" build-issue 3
expect_stdout_match "^Published issue 3: " "... and says it published issue 3"
expect_stdout_no_match "^Updated" "... not that it updated it"
check "the article is published" -- grep -q "^state: published" "$J2/submissions/10/submission.yaml"
expect_exit 0 "build-site after publishing" -- "$JOURNAL" -C "$J2" build-site
check "the issue is on the site" -- test -e "$J2/_site/articles/10/index.html"

# A manifest edited by hand with a syntax error: build-issue and build-site name file, line
# and column, exit 1, and change nothing.
sed -i 's/^title: .*/title: [Summer/' "$J2/issues/3.yaml"
LINE=$(grep -n '^title: \[Summer$' "$J2/issues/3.yaml" | cut -d: -f1)
check "the broken manifest has its broken title line" -- test -n "$LINE"
tgit -C "$J2" commit -qam "Break issue 3 by hand"
snapshot "$J2" >"$TEST_TMP/.before2"
expect_exit 1 "build-issue on an issue whose manifest has a syntax error" -- \
    "$JOURNAL" -C "$J2" build-issue 3 --correct "Fix the title"
expect_stderr_match "issues/3\.yaml:[0-9]+:[0-9]+: invalid YAML: .* that starts on line $LINE$" \
    "build-issue names the manifest, line and column, and the line where the list opened"
expect_exit 1 "build-site with a manifest syntax error" -- "$JOURNAL" -C "$J2" build-site
expect_stderr_match "issues/3\.yaml:[0-9]+:[0-9]+: invalid YAML: .* that starts on line $LINE$" \
    "build-site names the manifest, line and column, and the line where the list opened"
expect_unchanged "$TEST_TMP/.before2" "$J2" "the refused commands changed nothing"
finish
