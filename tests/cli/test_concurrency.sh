#!/usr/bin/env bash
# 20 journal submit processes started at once on one repository: every one
# succeeds with its own number, and the history holds all 20 commits.
. "$(dirname "$0")/lib.sh"

N=20
J=$TEST_TMP/journal
MS=$TEST_TMP/ms
new_journal "$J" "Concurrent Journal" || finish
mkdir -p "$MS" "$TEST_TMP/runs"
cd "$MS" || exit 1

for i in $(seq 1 $N); do
    cat >"paper$i.md" <<EOF
---
title: "Concurrent paper $i"
abstract: "Abstract $i."
authors:
  - name: Author $i
    affiliations:
      - name: University $i
        country: KZ
---

Body of paper $i.
EOF
    echo "attachment $i" >"data$i.csv"
done

commits=$(commit_count "$J")
pids=()
for i in $(seq 1 $N); do
    "$JOURNAL" -C "$J" submit "paper$i.md" --file "data$i.csv" \
        >"$TEST_TMP/runs/$i.out" 2>"$TEST_TMP/runs/$i.err" &
    pids+=($!)
done
failed=0
for i in $(seq 1 $N); do
    if ! wait "${pids[$((i - 1))]}"; then
        failed=$((failed + 1))
        echo "    # submit $i failed: $(cat "$TEST_TMP/runs/$i.err")"
    fi
done
check_eq "all $N concurrent submits exit 0" 0 "$failed"

sanitizer=$(grep -lE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TEST_TMP"/runs/*.err)
check_eq "no sanitizer report from any submit" "" "$sanitizer"

numbers=$(cat "$TEST_TMP"/runs/*.out | sort -n | tr '\n' ' ')
check_eq "the $N numbers printed are exactly 1..$N, each once" "$(seq -s ' ' 1 $N) " "$numbers"
check_eq "$N new commits" "$((commits + N))" "$(commit_count "$J")"
check_eq "the history is linear (no commit lost to a race)" "$((commits + N))" \
    "$(git -C "$J" rev-list --first-parent --count HEAD)"
check "git fsck --strict is clean" -- git -C "$J" fsck --strict --no-progress
check_eq "work tree clean" "" "$(git -C "$J" status --porcelain)"

# Each number went to the manuscript its process submitted, and each folder is complete.
bad=""
for i in $(seq 1 $N); do
    n=$(cat "$TEST_TMP/runs/$i.out")
    [ -n "$n" ] || {
        bad="$bad paper$i:no-number"
        continue
    }
    git -C "$J" show "HEAD:submissions/$n/manuscript.md" 2>/dev/null | cmp -s - "paper$i.md" ||
        bad="$bad $n:manuscript"
    git -C "$J" show "HEAD:submissions/$n/files/data$i.csv" 2>/dev/null | cmp -s - "data$i.csv" ||
        bad="$bad $n:attachment"
    git -C "$J" show "HEAD:submissions/$n/submission.yaml" 2>/dev/null |
        grep -qx "number: $n" || bad="$bad $n:record"
    cmp -s "$J/submissions/$n/manuscript.md" "paper$i.md" || bad="$bad $n:worktree"
done
check_eq "each submissions/N holds its process's manuscript, attachment and record" "" "$bad"

subjects=$(git -C "$J" log --format=%s | grep -c '^Submit #[0-9]*: Concurrent paper')
check_eq "$N 'Submit #n' commit messages" "$N" "$subjects"
check "no *.tmp.* file left behind" -- \
    test -z "$(find "$J" -path "$J/.git" -prune -o -name '*.tmp.*' -print)"

expect_exit 0 "list --json after the rush" -- "$JOURNAL" -C "$J" list --json
check "list shows $N submissions numbered 1..$N" -- python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [s["number"] for s in d] == list(range(1, int(sys.argv[2]) + 1)), d
' "$OUT" "$N"

finish
