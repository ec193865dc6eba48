#!/usr/bin/env bash
# Editorial actions on different submissions started at the same moment all land
# (reviews and decisions queue for the repository lock; none overwrites another's
# commit), and a writer that cannot get the lock waits for it, then gives up after
# JOURNAL_LOCK_TIMEOUT with a message that says so, changing nothing.
#
# Nothing here sleeps: events are ordered through the test hooks of repo_lock
# (src/store/repo.c). A journal command run with JOURNAL_TEST_LOCK_HOLD holds the
# lock until the test writes a line to that FIFO; with JOURNAL_TEST_LOCK_EVENTS a
# command writes "locked PID" when it has the lock and "waiting PID" when it finds
# it taken, so the test knows the others are queued before it lets the holder go.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
sample_journal "$J" || finish
mkdir -p "$TEST_TMP/ms" "$TEST_TMP/runs"
cd "$TEST_TMP/ms" || exit 1
R=(asel-bekova aliya-temirkhanova dinara-ospanova gulmira-sadykova)

# Six new submissions by authors in Japan (no conflict with the roster), and a seventh
# manuscript for the commands that hold the lock.
numbers=()
for i in 1 2 3 4 5 6 7; do
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
    [ "$i" = 7 ] && break
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

# The two FIFOs, each opened both ways by the test so that no open blocks: fd 3 lets a
# holder go (a line each), fd 4 carries the commands' lock events.
mkfifo "$TEST_TMP/hold" "$TEST_TMP/events"
exec 3<>"$TEST_TMP/hold" 4<>"$TEST_TMP/events"
export JOURNAL_TEST_LOCK_EVENTS=$TEST_TMP/events
# A long timeout: waiting here is what is tested, however slow the machine (the
# timeout itself is tested below, against a holder that never lets go in time).
export JOURNAL_LOCK_TIMEOUT=3600

# next_event WANT DESC: the next lock event must be WANT ("locked PID", "waiting PID");
# read with a bound, so that a command that died fails the test instead of hanging it.
next_event() {
    local line
    if read -r -t 120 -u 4 line; then
        check_eq "$2" "$1" "$line"
    else
        fail "$2" "no lock event within 120 s"
    fi
}

# hold_lock FILE: submit FILE, which stops once it holds the lock, until release_lock.
hold_lock() {
    JOURNAL_TEST_LOCK_HOLD=$TEST_TMP/hold "$JOURNAL" -C "$J" submit "$1" \
        >"$TEST_TMP/runs/holder.out" 2>"$TEST_TMP/runs/holder.err" &
    holder=$!
    next_event "locked $holder" "the holder ($1) has the lock"
}
# release_lock: let the holder go, and wait for it to finish its submit.
release_lock() {
    echo go >&3
    wait "$holder"
    check_eq "the holder's submit exits 0 once let go" 0 "$?"
    check "the holder reports no error" -- \
        bash -c '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$1"' _ "$TEST_TMP/runs/holder.err"
}

# ---- nine actions at once: 6 reviews and 3 decisions, queued behind a holder ----

hold_lock p7.md
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
waiting=()
for _ in "${pids[@]}"; do
    if read -r -t 120 -u 4 line; then waiting+=("$line"); else break; fi
done
check_eq "all 9 actions found the lock taken and wait for it" \
    "$(printf 'waiting %s\n' "${pids[@]}" | LC_ALL=C sort | tr '\n' ' ')" \
    "$(printf '%s\n' "${waiting[@]}" | LC_ALL=C sort | tr '\n' ' ')"
check_eq "none committed while the holder has the lock" "$before" "$(commit_count "$J")"
release_lock
failed=0
for pid in "${pids[@]}"; do
    wait "$pid" || failed=$((failed + 1))
done
locked=()
for _ in "${pids[@]}"; do
    if read -r -t 120 -u 4 line; then locked+=("$line"); else break; fi
done
check_eq "each of the 9 then took the lock in turn" \
    "$(printf 'locked %s\n' "${pids[@]}" | LC_ALL=C sort | tr '\n' ' ')" \
    "$(printf '%s\n' "${locked[@]}" | LC_ALL=C sort | tr '\n' ' ')"
check_eq "all 9 concurrent reviews and decisions exit 0" 0 "$failed"
check_eq "no error or sanitizer report" "" "$(cat "$TEST_TMP"/runs/[0-9]*.err)"
check_eq "the holder's commit comes first" "Submit #$(tr -dc 0-9 <"$TEST_TMP/runs/holder.out")" \
    "$(git -C "$J" log -1 --format=%s "HEAD~9" | sed 's/:.*//')"
before=$((before + 1))
check_eq "9 new commits after it" "$((before + 9))" "$(commit_count "$J")"
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

snapshot "$J" >"$TEST_TMP/before.snap"
hold_lock p7.md
expect_exit 1 "submit while another process holds the lock (timeout 1 s)" -- \
    env JOURNAL_LOCK_TIMEOUT=1 "$JOURNAL" -C "$J" submit p1.md
expect_stderr_match "held the repository lock .*/\.journal/lock for 1 s \(pid $holder\)" \
    "the message names the lock, its holder and how long it waited"
expect_stderr_match "try again when it has finished" "the message says what to do"
read -r -t 120 -u 4 line || line=none
check "the refused submit had waited for the lock (\"$line\")" -- \
    bash -c '[[ $1 =~ ^waiting\ [0-9]+$ && ${1#waiting } != "$2" ]]' _ "$line" "$holder"
check "the holder was still running (the submit did not take the lock from it)" -- \
    kill -0 "$holder"
snapshot "$J" >"$TEST_TMP/after.snap"
check "the repository is unchanged" -- cmp -s "$TEST_TMP/before.snap" "$TEST_TMP/after.snap"

# A holder that lets go within the timeout: the writer waits and then succeeds, after it.
before=$(commit_count "$J")
"$JOURNAL" -C "$J" submit p1.md >"$TEST_TMP/runs/waiter.out" 2>"$TEST_TMP/runs/waiter.err" &
waiter=$!
next_event "waiting $waiter" "the second submit found the lock taken and waits"
check_eq "nothing is committed while the holder has the lock" "$before" "$(commit_count "$J")"
release_lock
wait "$waiter"
check_eq "the waiting submit exits 0" 0 "$?"
next_event "locked $waiter" "the waiting submit took the lock after the holder"
check_eq "both commits, the holder's first" \
    "Concurrent workflow paper 1|Concurrent workflow paper 7|" \
    "$(git -C "$J" log -2 --format=%B | grep -o 'Concurrent workflow paper [0-9]' | tr '\n' '|')"
check_eq "two commits" "$((before + 2))" "$(commit_count "$J")"

finish
