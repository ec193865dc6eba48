#!/usr/bin/env bash
# journal doctor: a clean journal passes (exit 0); each kind of problem, made by hand in a
# scratch copy and committed with plain git, is reported with its file (and line) and how to
# fix it (exit 1); doctor changes nothing without --fix, and --fix repairs what is safe.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
J0=$TEST_TMP/base
sample_journal "$J0" || finish
cd "$TEST_TMP" || finish

expect_exit 0 "doctor passes the sample journal (no index yet)" -- "$JOURNAL" -C "$J0" doctor
expect_stdout_match "all is well" "doctor says all is well"
"$JOURNAL" -C "$J0" list >/dev/null

# A review round on 10 (accepted) and 11 (one review in), as the workflow makes them.
echo "Sound." >c.md
for n in 10 11; do
    "$JOURNAL" -C "$J0" assign "$n" --reviewer michael-brennan >/dev/null 2>&1 ||
        "$JOURNAL" -C "$J0" assign "$n" --reviewer armen-hovhannisyan >/dev/null
    who=$(grep -m1 -A1 "^- reviewer:" "$J0/submissions/$n/submission.yaml" | head -1 |
        sed 's/.*reviewer: //')
    eval "WHO$n=$who"
    "$JOURNAL" -C "$J0" review "$n" --verdict accept --comments c.md --as "$who" >/dev/null
done
"$JOURNAL" -C "$J0" decide 10 accept >/dev/null
"$JOURNAL" -C "$J0" list >/dev/null # the index catches up with the last commit
check "the review round was set up" -- test -f "$J0/submissions/10/reviews/round-1/$WHO10.yaml"

expect_exit 0 "doctor passes a journal with reviews and a decision" -- "$JOURNAL" -C "$J0" doctor
expect_stdout_match "1[0-9] submissions, 2 reviews, 2 issues checked, the index compared with git" \
    "doctor says what it checked"
expect_exit 0 "doctor --json on a clean journal" -- "$JOURNAL" -C "$J0" doctor --json
check_eq "--json: ok and no problems" "True 0" \
    "$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ok"], len(d["problems"]))' "$OUT")"
before=$TEST_TMP/.before
snapshot "$J0" >"$before"
expect_exit 2 "doctor refuses an unknown argument" -- "$JOURNAL" -C "$J0" doctor extra

N=0
# scratch: a fresh copy of the base journal (its index too); sets S.
scratch() {
    N=$((N + 1))
    S=$TEST_TMP/s$N
    cp -a "$J0" "$S"
}
# commit_all MESSAGE: commit the hand-made change with plain git.
commit_all() {
    tgit -C "$S" add -A && tgit -C "$S" commit -q -m "$1"
}
# diagnose DESC REGEX: doctor exits 1 and prints REGEX (file:line: message).
diagnose() {
    expect_exit 1 "doctor: $1 (exit 1)" -- "$JOURNAL" -C "$S" doctor
    expect_stdout_match "$2" "doctor: $1 (reported with file and how to fix)"
}

# ---- the committed repository ----

scratch
sed -i 's/^state: accepted$/state: finished/' "$S/submissions/10/submission.yaml"
commit_all "bad state"
line=$(grep -n '^state:' "$S/submissions/10/submission.yaml" | cut -d: -f1)
diagnose "an illegal state" "^submissions/10/submission.yaml:$line: expected 'state', one of"
expect_stdout_match "fix: correct the file and commit it" "doctor: says how to fix a bad record"
expect_exit 1 "doctor --json with problems" -- "$JOURNAL" -C "$S" doctor --json
check_eq "--json: the problem with kind, file and line" "False record submissions/10/submission.yaml $line" \
    "$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["problems"][0]; print(d["ok"], p["kind"], p["file"], p["line"])' "$OUT" 2>&1)"

scratch
printf 'number: 10\nstate: [unclosed\n' >"$S/submissions/10/submission.yaml"
commit_all "broken yaml"
diagnose "a record that does not parse" "^submissions/10/submission.yaml:[0-9]+: "

scratch
tgit -C "$S" rm -q submissions/11/manuscript.md
commit_all "lost manuscript"
diagnose "a missing manuscript" "^submissions/11/manuscript.md: submission 11 has no manuscript"

scratch
tgit -C "$S" rm -q -r submissions/10/reviews
commit_all "lost reviews"
diagnose "a decision without reviews" \
    "^submissions/10/submission.yaml: submission 10 has a decision \(accept\) in round 1 but no review in that round"

scratch
sed -i 's/^state: under-review$/state: accepted/' "$S/submissions/11/submission.yaml"
echo "accepted: 2026-01-15" >>"$S/submissions/11/submission.yaml"
commit_all "accepted by hand"
diagnose "accepted without a decision" \
    "^submissions/11/submission.yaml: submission 11 is accepted, but its timeline has no decision to accept it"

scratch
sed -i 's/^state: accepted$/state: published/' "$S/submissions/10/submission.yaml"
echo "published: 2026-01-15" >>"$S/submissions/10/submission.yaml"
commit_all "published by hand"
diagnose "published without an issue" \
    "^submissions/10/submission.yaml: submission 10 is published but names no issue"

scratch
sed "s/^reviewer: .*/reviewer: bekzod-aliev/" "$S/submissions/11/reviews/round-1/$WHO11.yaml" \
    >"$S/submissions/11/reviews/round-1/bekzod-aliev.yaml"
commit_all "a review without assignment"
diagnose "a review without an assignment" \
    "^submissions/11/reviews/round-1/bekzod-aliev.yaml: review by bekzod-aliev in round 1, but bekzod-aliev has no assignment in round 1"

scratch
sed -i 's/^articles: .*/articles: [1, 2, 3, 4, 5, 99]/' "$S/issues/1.yaml"
commit_all "an issue lists a ghost"
line=$(grep -n '^articles:' "$S/issues/1.yaml" | cut -d: -f1)
diagnose "an issue listing a missing article" \
    "^issues/1.yaml:$line: issue 1 lists submission 99, which does not exist"

scratch
sed -i 's/^articles: .*/articles: [1, 2, 3, 4, 5, 11]/' "$S/issues/1.yaml"
commit_all "an issue lists an unpublished article"
diagnose "an issue listing an unpublished article" \
    "^issues/1.yaml:$line: issue 1 lists submission 11, which is under-review, not published or scheduled"

scratch
sed -i 's/^articles: .*/articles: [1, 2, 3, 4]/' "$S/issues/1.yaml"
commit_all "an article left out of its issue"
diagnose "a published article its issue does not list" \
    "^submissions/5/submission.yaml: submission 5 is published in issue 1, but issues/1.yaml does not list it"

scratch
printf 'volume: [\n' >"$S/issues/2.yaml"
commit_all "broken manifest"
diagnose "an issue manifest that does not parse" "^issues/2.yaml:[0-9]+: "

# ---- the index ----

scratch
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE submissions SET state=\"rejected\" WHERE number=10"); c.commit()' \
    "$S/.journal/index.db"
diagnose "a stale index row" \
    "^.journal/index.db: the index's row for submission 10 is stale \(it says rejected; the repository says accepted\)"
expect_stdout_match "fix: journal reindex" "doctor: the index's fix is reindex"
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM submissions WHERE number=11"); c.execute("DELETE FROM issues WHERE id=2"); c.commit()' \
    "$S/.journal/index.db"
diagnose "a missing index row" "^.journal/index.db: the index has no row for submission 11"
expect_stdout_match "the index is missing 1 of the repository's 2 issues" "doctor: a missing issue row"
expect_exit 0 "doctor --fix rebuilds the index" -- "$JOURNAL" -C "$S" doctor --fix
expect_stdout_match "fixed: done" "doctor --fix says what it fixed"
expect_exit 0 "doctor passes after --fix" -- "$JOURNAL" -C "$S" doctor

scratch
echo "garbage, not a database" >"$S/.journal/index.db"
rm -f "$S/.journal/index.db-wal" "$S/.journal/index.db-shm"
diagnose "an unreadable index" "^.journal/index.db: the index cannot be read"
expect_exit 0 "reindex fixes it" -- "$JOURNAL" -C "$S" reindex
expect_exit 0 "doctor passes after reindex" -- "$JOURNAL" -C "$S" doctor

# ---- what killed processes leave ----

dead=$(sh -c 'echo $$')
scratch
snapshot "$S" >"$TEST_TMP/.scratch"
echo "half" >"$S/submissions/10/manuscript.md.tmp.$dead"
mkdir -p "$S/_site/.journal-staging.$dead/x"
echo "page" >"$S/_site/index.html.tmp.$dead"
diagnose "a killed writer's temporary file" \
    "^submissions/10/manuscript.md.tmp.$dead: a temporary file of a journal process that was killed \(pid $dead\)"
expect_stdout_match "^_site/.journal-staging.$dead: the staging folder of a build-site that was killed" \
    "doctor: a killed build's staging folder"
expect_stdout_match "^_site/index.html.tmp.$dead: a temporary file" "doctor: a temporary file in the site"
check "doctor without --fix removed nothing" -- test -f "$S/submissions/10/manuscript.md.tmp.$dead"
expect_exit 0 "doctor --fix removes them" -- "$JOURNAL" -C "$S" doctor --fix
check "the temporary file is gone" -- test ! -e "$S/submissions/10/manuscript.md.tmp.$dead"
check "the staging folder is gone" -- test ! -e "$S/_site/.journal-staging.$dead"
rm -rf "$S/_site"
expect_unchanged "$TEST_TMP/.scratch" "$S" "--fix touched nothing else in the repository"
live_tmp="$S/submissions/10/manuscript.md.tmp.$$"
echo "writing" >"$live_tmp"
expect_exit 0 "a running process's temporary file is not a problem" -- "$JOURNAL" -C "$S" doctor
rm -f "$live_tmp"

scratch
touch "$S/.git/index.lock"
diagnose "git's lock file" "^.git/index.lock: git's lock file is there"
rm -f "$S/.git/index.lock"

# ---- a writer killed after its commit ----

scratch
env JOURNAL_TEST_KILL_AT=mid-worktree "$JOURNAL" -C "$S" decide 11 accept >/dev/null 2>&1
check_eq "decide killed while writing the work tree" "137" "$?"
check "its commit exists" -- sh -c "git -C '$S' log -1 --format=%s | grep -q '^Decide #11: accept'"
check "the work tree and git's index are behind HEAD" -- \
    sh -c "test -n \"\$(git -C '$S' status --porcelain)\""
check "the paths are recorded in .journal/worktree" -- \
    grep -qx 'submissions/11/submission.yaml' "$S/.journal/worktree"
expect_exit 0 "the next command (list) runs" -- "$JOURNAL" -C "$S" list
check_eq "and finishes the work tree and git's index from HEAD" "" \
    "$(git -C "$S" status --porcelain --untracked-files=all)"
check "the record in the work tree is HEAD's" -- \
    sh -c "git -C '$S' show HEAD:submissions/11/submission.yaml | cmp -s - '$S/submissions/11/submission.yaml'"
check "the marker is gone" -- test ! -e "$S/.journal/worktree"
expect_exit 0 "doctor passes" -- "$JOURNAL" -C "$S" doctor

scratch
env JOURNAL_TEST_KILL_AT=before-commit "$JOURNAL" -C "$S" decide 11 accept >/dev/null 2>&1
check_eq "decide killed before its commit" "137" "$?"
expect_exit 0 "the next command runs" -- "$JOURNAL" -C "$S" list
check_eq "nothing of it is left" "" "$(git -C "$S" status --porcelain --untracked-files=all)"
check_eq "no commit" "$(git -C "$J0" rev-parse HEAD)" "$(git -C "$S" rev-parse HEAD)"

# ---- held mail after a crash ----

scratch
echo "mail_from_address: office@journal.example.org" >>"$S/journal.yaml"
commit_all "mail on"
cp "$S/submissions/10/manuscript.md" ms.md
env JOURNAL_TEST_KILL_AT=before-release "$JOURNAL" -C "$S" submit ms.md >/dev/null 2>&1
check_eq "submit killed before releasing its mail" "137" "$?"
head_commit=$(git -C "$S" rev-parse HEAD)
check "the commit carries the mail's token" -- \
    sh -c "git -C '$S' log -1 --format=%B | grep -q '^Journal-Mail: [0-9]*-[0-9a-f]*$'"
diagnose "held mail whose action committed" \
    "^.journal/outbox.db: held message 1 \(acknowledgement, submission 12, held since .*\): its action committed \(${head_commit:0:12}\)"
env JOURNAL_TEST_KILL_AT=before-commit "$JOURNAL" -C "$S" submit ms.md >/dev/null 2>&1
check_eq "submit killed before its commit" "137" "$?"
check_eq "no commit was made" "$head_commit" "$(git -C "$S" rev-parse HEAD)"
diagnose "held mail whose action never committed" \
    "^.journal/outbox.db: held message 2 \(acknowledgement, submission 13, held since .*\): its action never committed"
expect_exit 0 "doctor --fix settles the mail" -- "$JOURNAL" -C "$S" doctor --fix
outbox_rows() {
    "$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(";".join("%s %s %s" % r for r in c.execute("SELECT id, state, ref FROM messages ORDER BY id")))' \
        "$S/.journal/outbox.db"
}
check_eq "released with its commit, the other dropped" "1 queued $head_commit" "$(outbox_rows)"
expect_exit 0 "doctor passes after the mail was settled" -- "$JOURNAL" -C "$S" doctor

# Without doctor: the next command that opens the outbox settles it.
env JOURNAL_TEST_KILL_AT=before-release "$JOURNAL" -C "$S" decide 11 accept >/dev/null 2>&1
check_eq "decide killed before releasing its mail" "137" "$?"
decided=$(git -C "$S" rev-parse HEAD)
expect_exit 0 "the next command (outbox list) runs" -- "$JOURNAL" -C "$S" outbox list
check_eq "the decision letter was released by it" "1 queued $head_commit;3 queued $decided" \
    "$(outbox_rows)"
expect_exit 0 "doctor passes" -- "$JOURNAL" -C "$S" doctor

# Held before journal recorded the action (an outbox from an older journal: no holder and
# no token): nothing tells whether the action was made, so doctor names the two commands
# that settle it, and the editor answers for each message.
held_without_token() {
    env JOURNAL_TEST_KILL_AT=before-release "$JOURNAL" -C "$S" "$@" >/dev/null 2>&1
    "$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE messages SET claimed_by=NULL, claim_token=NULL WHERE state=\"pending\""); print(c.execute("SELECT max(id) FROM messages WHERE state=\"pending\"").fetchone()[0]); c.commit()' \
        "$S/.journal/outbox.db"
}
old1=$(held_without_token submit ms.md)
old2=$(held_without_token submit ms.md)
check "two messages held without a token" -- test -n "$old1" -a -n "$old2" -a "$old1" != "$old2"
diagnose "held mail that records no action" \
    "^.journal/outbox.db: held message $old1 \(.*\): its process is gone and it records no action"
expect_stdout_match "journal outbox release $old1 sends it .* journal outbox drop $old1 keeps it unsent" \
    "doctor names the commands that settle it"
expect_exit 1 "doctor --fix cannot tell, so leaves it" -- "$JOURNAL" -C "$S" doctor --fix
expect_exit 1 "outbox release refuses a queued message" -- "$JOURNAL" -C "$S" outbox release 1
expect_stderr_match "message 1 is queued, not held" "the refusal says why"
expect_exit 0 "outbox release sends the first" -- "$JOURNAL" -C "$S" outbox release "$old1"
expect_exit 0 "outbox drop keeps the second unsent" -- "$JOURNAL" -C "$S" outbox drop "$old2"
states() {
    "$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(";".join("%s %s %s" % r for r in c.execute("SELECT state, ref, last_error FROM messages WHERE id IN (%s, %s) ORDER BY id" % (sys.argv[2], sys.argv[3]))))' \
        "$S/.journal/outbox.db" "$old1" "$old2"
}
check_eq "queued with who released it, failed with who dropped it (on record)" \
    "queued released by hand by Test Editor on 2026-01-15 (held with no record of its action) None;failed None dropped by hand by Test Editor on 2026-01-15 (held with no record of its action); journal outbox retry $old2 sends it after all" \
    "$(states)"
expect_exit 0 "doctor passes once the editor has settled them" -- "$JOURNAL" -C "$S" doctor
expect_exit 0 "the dropped message can still be sent: outbox retry" -- "$JOURNAL" -C "$S" outbox retry "$old2"
expect_exit 1 "a message settled is not settled again" -- "$JOURNAL" -C "$S" outbox drop "$old1"

expect_unchanged "$before" "$J0" "doctor left the base journal unchanged"
finish
