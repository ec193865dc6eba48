#!/usr/bin/env bash
# After each workflow command (and each commit made with git), the index that the command
# brought up to date from the previous commit by comparing the two submissions/ trees
# (src/store/index.c: diff_changed) holds exactly what `journal reindex` builds from nothing.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1

# dump DIR: every row the index keeps of the journal, in a fixed order. Left out: meta (the
# tree ids), the ids of journal stats's keys (numbered in the order met, index.h; only how
# many articles are folded is compared) and the site's cache.
dump() {
    python3 - "$1/.journal/index.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in ["submissions", "authors", "affiliations", "keywords", "issues", "issue_articles",
          "assignments", "reviews", "editorial", "deposits", "deposit_dois"]:
    print("==", t)
    for row in db.execute("SELECT * FROM %s ORDER BY 1, 2, 3" % t):
        print(repr(row))
print("== stats", db.execute("SELECT count(*) FROM stats_articles").fetchone()[0])
PY
}

# same_as_rebuilt DESC: the index of $J, refreshed by the last command, against a copy of
# the journal reindexed from nothing.
step=0
same_as_rebuilt() {
    step=$((step + 1))
    local copy=$TEST_TMP/copy$step
    "$JOURNAL" -C "$J" list >/dev/null 2>"$ERR" || {
        fail "$1: list" "$(cat "$ERR")"
        return
    }
    rm -rf "$copy"
    cp -a "$J" "$copy"
    rm -rf "$copy/.journal"
    "$JOURNAL" -C "$copy" reindex >/dev/null 2>"$ERR" || {
        fail "$1: reindex of the copy" "$(cat "$ERR")"
        return
    }
    dump "$J" >"$TEST_TMP/inc.$step"
    dump "$copy" >"$TEST_TMP/full.$step"
    if cmp -s "$TEST_TMP/inc.$step" "$TEST_TMP/full.$step"; then
        pass "$1: the index equals a full reindex"
    else
        fail "$1: the index equals a full reindex" \
            "$(diff "$TEST_TMP/full.$step" "$TEST_TMP/inc.$step" | head -20)"
    fi
    rm -rf "$copy"
}

# The index built once, from nothing: every later refresh compares trees.
"$JOURNAL" reindex >/dev/null || fail "reindex the sample"
# sql QUERY: the one value QUERY finds in the index of $J.
sql() {
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
        "$J/.journal/index.db" "$1"
}
check_eq "the sample's index has 11 submissions" 11 "$(sql 'SELECT count(*) FROM submissions')"

cp submissions/10/manuscript.md "$TEST_TMP/new.md"
echo "a table of results" >"$TEST_TMP/data.csv"
(cd "$TEST_TMP" && "$JOURNAL" -C "$J" submit new.md --file data.csv) >"$OUT" 2>"$ERR" ||
    fail "submit" "$(cat "$ERR")"
check_eq "submit: submission 12" "12" "$(cat "$OUT")"
same_as_rebuilt "submit (a submission added)"
check_eq "submit: 12 is in the index" submitted "$(sql 'SELECT state FROM submissions WHERE number = 12')"

"$JOURNAL" assign 12 --reviewer armen-hovhannisyan --override-conflict "tested" >/dev/null 2>"$ERR" ||
    fail "assign" "$(cat "$ERR")"
same_as_rebuilt "assign (one submission changed)"
echo "Sound work." >"$TEST_TMP/c.md"
"$JOURNAL" review 12 --verdict accept --comments "$TEST_TMP/c.md" --as armen-hovhannisyan \
    >/dev/null 2>"$ERR" || fail "review" "$(cat "$ERR")"
same_as_rebuilt "review (a file added in a submission's folder)"
"$JOURNAL" decide 12 accept >/dev/null 2>"$ERR" || fail "decide" "$(cat "$ERR")"
same_as_rebuilt "decide"
check_eq "decide: 12 accepted in the index" accepted "$(sql 'SELECT state FROM submissions WHERE number = 12')"

# Commits made with git: several folders at once, one removed, one edited, one added, and
# entries of submissions/ that are not submissions (a file with a number's name, a folder
# named otherwise).
tgit rm -q -r submissions/11
sed -i '2s/.*/title: "Retitled by hand"/' submissions/3/manuscript.md
mkdir -p submissions/20 submissions/drafts
cp submissions/10/manuscript.md submissions/10/submission.yaml submissions/20/
sed -i 's/^number: 10$/number: 20/' submissions/20/submission.yaml
cp submissions/10/manuscript.md submissions/drafts/
echo "not a submission" >submissions/21
tgit add -A
tgit commit -q -m "By hand: remove 11, retitle 3, add 20 and two entries that are not submissions"
same_as_rebuilt "a commit adding, changing and removing several"
check_eq "the index lost 11 and gained 20" 20 \
    "$(sql 'SELECT group_concat(number) FROM submissions WHERE number IN (11, 20, 21)')"

# A folder replaced by a file of the same name and back: git orders them apart.
tgit rm -q -r submissions/20
echo "now a file" >submissions/20
tgit add -A
tgit commit -q -m "Submission 20 becomes a file"
same_as_rebuilt "a folder replaced by a file of its name"
tgit rm -q submissions/20
mkdir -p submissions/20
cp submissions/10/manuscript.md submissions/10/submission.yaml submissions/20/
tgit add -A
tgit commit -q -m "And a folder again"
same_as_rebuilt "a file replaced by a folder of its name"

# Back in history (the index was refreshed from a later tree), then forward again.
tgit reset -q --hard HEAD~4
same_as_rebuilt "git reset to before the commits made by hand"
tgit reset -q --hard HEAD@{1}
same_as_rebuilt "and forward again"

# Everything removed, then back.
tgit rm -q -r submissions
tgit commit -q -m "No submissions"
same_as_rebuilt "submissions/ removed"
tgit reset -q --hard HEAD~1
same_as_rebuilt "submissions/ back"

finish
