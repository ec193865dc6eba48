#!/usr/bin/env bash
# Editorial actions on different submissions started at the same moment all land
# (reviews and decisions queue for the repository lock; none overwrites another's
# commit), and a writer that cannot get the lock waits for it, then gives up after
# JOURNAL_LOCK_TIMEOUT with a message that says so, changing nothing.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
sample_journal "$J" || finish
mkdir -p "$TEST_TMP/ms" "$TEST_TMP/runs"
cd "$TEST_TMP/ms" || exit 1
R=(asel-bekova aliya-temirkhanova dinara-ospanova gulmira-sadykova)

# Six new submissions by authors in Japan (no conflict with the roster).
numbers=()
for i in 1 2 3 4 5 6; do
    cat >"p$i.md" <<MD
---
title: "Concurrent workflow paper $i"
abstract: "Abstract $i."
lang: en
authors:
  - name: Hanako Tanaka$i
    affiliations:
      - name: Kyoto Institute $i
        country: JP
---

Body of paper $i.
MD
    if "$JOURNAL" -C "$J" submit "p$i.md" >"$OUT" 2>"$ERR"; then
        numbers+=("$(tr -dc 0-9 <"$OUT")")
    else
        fail "submit p$i.md" "$(show_output)"
        finish
    fi
done
A=("${numbers[@]:0:3}") # reviewed concurrently
D=("${numbers[@]:3:3}") # decided concurrently
printf 'Comments.\n' >c.md
printf 'Confidential.\n' >k.md
quiet() { "$@" >"$OUT" 2>"$ERR" || fail "$*" "$(show_output)"; }
snapshot "$J" >"$TEST_TMP/before.snap"
expect_exit 2 "assign with --reviewer twice is a usage error (it would assign only one)" -- \
    "$JOURNAL" -C "$J" assign "${A[0]}" --reviewer "${R[0]}" --reviewer "${R[1]}"
expect_stderr_match "--reviewer given twice" "the message names the repeated option"
snapshot "$J" >"$TEST_TMP/after.snap"
check "the refused assign changed nothing" -- cmp -s "$TEST_TMP/before.snap" "$TEST_TMP/after.snap"
for n in "${A[@]}"; do
    quiet "$JOURNAL" -C "$J" assign "$n" --reviewer "${R[0]}"
    quiet "$JOURNAL" -C "$J" assign "$n" --reviewer "${R[1]}"
done
for n in "${D[@]}"; do
    quiet "$JOURNAL" -C "$J" assign "$n" --reviewer "${R[2]}"
    quiet "$JOURNAL" -C "$J" review "$n" --verdict accept --comments c.md --confidential k.md \
        --as "${R[2]}"
done
before=$(commit_count "$J")

# ---- twelve actions at once: 6 reviews and 3 decisions, plus 3 reviews more ----

pids=()
k=0
for n in "${A[@]}"; do
    for r in "${R[0]}" "${R[1]}"; do
        "$JOURNAL" -C "$J" review "$n" --verdict minor-revision --comments c.md \
            --confidential k.md --as "$r" >"$TEST_TMP/runs/$k.out" 2>"$TEST_TMP/runs/$k.err" &
        pids+=($!)
        k=$((k + 1))
    done
done
for n in "${D[@]}"; do
    "$JOURNAL" -C "$J" decide "$n" accept >"$TEST_TMP/runs/$k.out" 2>"$TEST_TMP/runs/$k.err" &
    pids+=($!)
    k=$((k + 1))
done
failed=0
for pid in "${pids[@]}"; do
    wait "$pid" || failed=$((failed + 1))
done
check_eq "all 9 concurrent reviews and decisions exit 0" 0 "$failed"
check_eq "no error or sanitizer report" "" "$(cat "$TEST_TMP"/runs/*.err)"
check_eq "9 new commits" "$((before + 9))" "$(commit_count "$J")"
check_eq "the history is linear" "$((before + 9))" "$(git -C "$J" rev-list --count --first-parent HEAD)"
check "git fsck --strict is clean" -- git -C "$J" fsck --strict --no-progress
check_eq "work tree clean" "" "$(git -C "$J" status --porcelain)"

state_and_reviews() {
    "$JOURNAL" -C "$J" show "$1" --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
verdicts = sorted(a["reviewer"] + "=" + (a.get("verdict") or "none") for a in d["reviewers"])
print(d["state"], " ".join(verdicts))'
}
for n in "${A[@]}"; do
    check_eq "submission $n has both concurrent reviews" \
        "under-review ${R[1]}=minor-revision ${R[0]}=minor-revision" "$(state_and_reviews "$n")"
    check "both review files of $n are committed" -- test -f \
        "$J/submissions/$n/reviews/round-1/${R[0]}.yaml" -a -f "$J/submissions/$n/reviews/round-1/${R[1]}.yaml"
done
for n in "${D[@]}"; do
    check_eq "submission $n is accepted" "accepted ${R[2]}=accept" "$(state_and_reviews "$n")"
done
subjects=$(git -C "$J" log -9 --format=%s | LC_ALL=C sort | tr '\n' '|')
expected=$(for n in "${A[@]}"; do for r in "${R[0]}" "${R[1]}"; do
    echo "Review #$n by $r (round 1): minor-revision"; done; done
    for n in "${D[@]}"; do echo "Decide #$n: accept (round 1)"; done)
check_eq "one commit per action, each with its own message" \
    "$(printf '%s\n' "$expected" | LC_ALL=C sort | tr '\n' '|')" "$subjects"

# ---- a writer waits for the lock, then gives up with a clear message ----

mkdir -p "$J/.journal"
flock "$J/.journal/lock" sleep 30 &
holder=$!
sleep 0.5
snapshot "$J" >"$TEST_TMP/before.snap"
expect_exit 1 "submit while another process holds the lock (timeout 1 s)" -- \
    env JOURNAL_LOCK_TIMEOUT=1 "$JOURNAL" -C "$J" submit p1.md
expect_stderr_match "held the repository lock .*/\.journal/lock for 1 s" \
    "the message names the lock and how long it waited"
expect_stderr_match "try again when it has finished" "the message says what to do"
check "the holder was still running (the submit did not take the lock from it)" -- \
    kill -0 "$holder"
snapshot "$J" >"$TEST_TMP/after.snap"
check "the repository is unchanged" -- cmp -s "$TEST_TMP/before.snap" "$TEST_TMP/after.snap"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# A holder that finishes within the timeout: the writer waits and then succeeds.
flock "$J/.journal/lock" bash -c "sleep 2; touch '$TEST_TMP/released'" &
holder=$!
sleep 0.5
before=$(commit_count "$J")
expect_exit 0 "submit waits for a lock released within its timeout" -- \
    env JOURNAL_LOCK_TIMEOUT=30 "$JOURNAL" -C "$J" submit p1.md
check "the holder had finished its work when the submit got the lock" -- \
    test -f "$TEST_TMP/released"
check_eq "the waiting submit made its commit" "$((before + 1))" "$(commit_count "$J")"
wait "$holder" 2>/dev/null

finish
