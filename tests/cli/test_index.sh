#!/usr/bin/env bash
# The SQLite index (.journal/index.db) is a cache of the committed tree: it can
# be deleted or rebuilt without anyone noticing, and it follows new commits.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1

# list_json_check DESC PYTHON: runs `list --json` and asserts PYTHON about `d`.
list_json_check() {
    local desc=$1 code=$2
    if ! "$JOURNAL" -C "$J" list --json >"$OUT" 2>"$ERR"; then
        fail "$desc" "list --json failed" "$(show_output)"
        return
    fi
    check "$desc" -- python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
by = {s['number']: s for s in d}
$code" "$OUT"
}

# ---- the sample as indexed ----

expect_exit 0 "list --json on the sample exits 0" -- "$JOURNAL" list --json
check "list --json: 11 submissions, 9 published and 2 submitted" -- python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [s["number"] for s in d] == list(range(1, 12)), [s["number"] for s in d]
states = [s["state"] for s in d]
assert states.count("published") == 9 and states.count("submitted") == 2, states
assert {s["number"] for s in d if s["state"] == "submitted"} == {10, 11}, states
assert all(s["title"] and "problem" not in s for s in d), d
assert d[1]["lang"] == "ru", d[1]
' "$OUT"
check "the index was created in .journal/index.db" -- test -f "$J/.journal/index.db"
# The index names who reviews what: like the outbox, only its owner may read it,
# whatever the umask (every database is opened by db_open in src/store/db.c).
check_eq "the index is private (0600) under umask 022" "600" \
    "$(rm -rf "$J/.journal" && umask 022 && "$JOURNAL" -C "$J" list >/dev/null 2>&1 &&
        stat -c %a "$J/.journal/index.db")"
check_eq ".journal/ is ignored by git (work tree clean)" "" "$(git status --porcelain)"

# ---- deleting the index changes nothing a user sees ----

views() {
    "$JOURNAL" list
    "$JOURNAL" list --json
    "$JOURNAL" list --state submitted
    "$JOURNAL" list --state published --json
    "$JOURNAL" show 1 --json
    "$JOURNAL" show 2
    "$JOURNAL" show 10
}
views >"$TEST_TMP/views.before" 2>&1
rm -rf "$J/.journal"
views >"$TEST_TMP/views.after" 2>&1
if cmp -s "$TEST_TMP/views.before" "$TEST_TMP/views.after"; then
    pass "list/show output identical after deleting .journal/"
else
    fail "list/show output identical after deleting .journal/" \
        "$(diff "$TEST_TMP/views.before" "$TEST_TMP/views.after" | head -20)"
fi
check ".journal/index.db recreated on demand" -- test -f "$J/.journal/index.db"

# ---- reindex ----

expect_exit 0 "reindex exits 0" -- "$JOURNAL" reindex
expect_stdout_match "11 submissions, 2 issues" "reindex reports 11 submissions and 2 issues"
expect_exit 0 "reindex --json exits 0" -- "$JOURNAL" reindex --json
check "reindex --json: {submissions: 11, issues: 2}" -- python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["submissions"] == 11 and d["issues"] == 2, d
' "$OUT"
views >"$TEST_TMP/views.reindexed" 2>&1
check "list/show output identical after reindex" -- \
    cmp "$TEST_TMP/views.before" "$TEST_TMP/views.reindexed"

# A damaged cache is not the end of the world: reindex starts again.
printf 'this is not a database' >"$J/.journal/index.db"
rm -f "$J/.journal/index.db-wal" "$J/.journal/index.db-shm"
expect_exit 0 "reindex over a corrupt index.db exits 0" -- "$JOURNAL" reindex
views >"$TEST_TMP/views.repaired" 2>&1
check "list/show output identical after reindexing a corrupt index" -- \
    cmp "$TEST_TMP/views.before" "$TEST_TMP/views.repaired"

# ---- incremental refresh follows commits, not the work tree ----

old_title=$(sed -n 's/^title: "\(.*\)"$/\1/p' submissions/3/manuscript.md | head -1)
new_title="A brand-new title for article three"
sed -i "2s/.*/title: \"$new_title\"/" submissions/3/manuscript.md
list_json_check "an uncommitted edit is not shown (journal reads HEAD)" "
assert by[3]['title'] == '''$old_title''', by[3]"
tgit commit -q -am "Retitle article 3"
list_json_check "after committing a new title, list shows it" "
assert by[3]['title'] == '$new_title', by[3]
assert len(d) == 11, len(d)"
expect_exit 0 "list (text) after the retitle" -- "$JOURNAL" list
expect_stdout_match "^ +3 +published .*$new_title\$" "list (text) shows the new title"
check "list (text) no longer shows the old title" -- \
    test -n "$old_title" -a "$(grep -cF -- "$old_title" "$OUT")" = 0

tgit rm -q -r submissions/11
tgit commit -q -m "Withdraw submission 11"
list_json_check "after git rm -r submissions/11 + commit, list shows 10" "
assert [s['number'] for s in d] == list(range(1, 11)), [s['number'] for s in d]"
expect_exit 1 "show 11 after removal exits 1" -- "$JOURNAL" show 11
expect_stderr_match "no submission 11" "show 11 after removal: no submission 11"

# Moving HEAD back restores what the index shows.
tgit reset -q --hard HEAD~1
list_json_check "after git reset back, 11 submissions again" "
assert [s['number'] for s in d] == list(range(1, 12)), [s['number'] for s in d]"
tgit rm -q -r submissions/11
tgit commit -q -m "Withdraw submission 11 again"

# A state change made by hand in submission.yaml.
sed -i 's/^state: submitted/state: under-review/' submissions/10/submission.yaml
tgit commit -q -am "Send 10 to review"
list_json_check "a committed state change shows in list" "
assert by[10]['state'] == 'under-review', by[10]"
expect_exit 0 "list --state under-review" -- "$JOURNAL" list --state under-review --json
check_eq "list --state under-review finds only 10" "10" \
    "$(python3 -c 'import json,sys; print(*[s["number"] for s in json.load(open(sys.argv[1]))])' "$OUT")"

# ---- a committed manuscript that no longer parses ----

sed -i 's/^    orcid: .*/    orcid: 0000-0002-1825-0098/' submissions/5/manuscript.md
orcid_line=$(grep -n '^    orcid: 0000-0002-1825-0098' submissions/5/manuscript.md | head -1 | cut -d: -f1)
tgit commit -q -am "Break the ORCID of article 5"
expect_exit 0 "list with a broken manuscript still exits 0" -- "$JOURNAL" list
expect_stdout_match "^ +5 +published .*(does not parse|journal show)" \
    "list (text) flags submission 5 as not parsing"
expect_stdout_match "^ +4 +published " "list (text) still shows the others"
list_json_check "list --json flags 5 with a problem naming the file and line" "
p = by[5].get('problem') or ''
assert 'submissions/5/manuscript.md:$orcid_line:' in p and 'ORCID' in p, by[5]
assert by[5]['state'] == 'published', by[5]
assert len(d) == 10 and 'problem' not in by[4], d"
expect_exit 1 "show 5 with a broken manuscript exits 1" -- "$JOURNAL" show 5
expect_stderr_match "submissions/5/manuscript\.md:$orcid_line:12: .*ORCID" \
    "show 5: names the file, line and column of the problem"

# Removing the front matter's closing fence, deleting the manuscript altogether.
printf 'not a manuscript\n' >submissions/6/manuscript.md
tgit rm -q submissions/7/manuscript.md
tgit commit -q -am "Break 6, lose 7's manuscript"
list_json_check "list --json flags 6 (no front matter) and 7 (manuscript missing)" "
assert 'problem' in by[6] and 'front matter' in by[6]['problem'], by[6]
assert 'problem' in by[7] and 'manuscript.md' in by[7]['problem'], by[7]
assert 'problem' not in by[8], by[8]"

# Fixing it clears the flag.
tgit revert --no-edit HEAD >/dev/null
list_json_check "after the fix is committed, 6 and 7 are no longer flagged" "
assert 'problem' not in by[6] and 'problem' not in by[7], (by[6], by[7])
assert by[6]['title'] and by[7]['title'], (by[6], by[7])"
expect_exit 0 "reindex with a broken manuscript exits 0" -- "$JOURNAL" reindex --json
list_json_check "after reindex, 5 is still flagged and the rest intact" "
assert 'problem' in by[5], by[5]
assert by[3]['title'] == '$new_title' and by[10]['state'] == 'under-review', d
assert len(d) == 10, len(d)"

check_eq "the index never dirtied the work tree" "" "$(git status --porcelain)"

finish
