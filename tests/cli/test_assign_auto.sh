#!/usr/bin/env bash
# journal assign --auto: every waiting submission gets k reviewers at once, the
# best total affinity under capacity, language and conflict rules; --dry-run
# and --explain show the plan and why each excluded reviewer was excluded.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish
PY=/usr/bin/python3

# --dry-run: the plan, nothing committed. (The index is a cache: build it before the snapshot.)
"$JOURNAL" -C "$J" list >/dev/null
before=$TEST_TMP/.before
snapshot "$J" >"$before"
expect_exit 0 "assign --auto --dry-run --explain" -- "$JOURNAL" -C "$J" assign --auto --dry-run --explain
expect_stdout_match "^Would assign 6 reviewers to 2 submissions" "the plan covers 10 and 11 with 3 each"
expect_stdout_match "^  #10   +victoria-ciobanu +institution +victoria-ciobanu shares an institution with the author Natalia Ursu" \
    "explain: the shared-institution rule excludes victoria-ciobanu from 10"
expect_stdout_match "^  #10   +ion-rusu +declared +ion-rusu declared a conflict with the author Corneliu Balan" \
    "explain: the declared conflict excludes ion-rusu from 10"
expect_stdout_match "^  #11   +gulmira-sadykova +declared " "explain: gulmira-sadykova's declared conflict (ORCID) on 11"
expect_stdout_match "^  #11   +dilnoza-yusupova +institution " "explain: dilnoza-yusupova's institution on 11"
expect_stdout_match "^  #10   +nurlan-abenov +language " "explain: a Russian-only reviewer is excluded from an English manuscript"
expect_stdout_match "^  #10   +timur-usenov +inactive " "explain: inactive reviewers are excluded"
expect_stdout_match "affinity 0\.[0-9]+, due [0-9-]+  \[[a-z]" "explain: each pair shows its score and the matched terms"
expect_unchanged "$before" "$J" "--dry-run changes nothing"

# The JSON plan: k per submission, no excluded reviewer chosen, scores sorted.
expect_exit 0 "assign --auto --dry-run --explain --json" -- "$JOURNAL" -C "$J" assign --auto --dry-run --explain --json
cp "$OUT" plan.json
check "the JSON plan is consistent: 3 per submission, none excluded, no duplicates" -- "$PY" -c '
import json, sys
plan = json.load(open(sys.argv[1]))
pairs = plan["pairs"]
by = {}
for p in pairs:
    by.setdefault(p["number"], []).append(p["reviewer"])
assert sorted(by) == [10, 11] and all(len(v) == 3 and len(set(v)) == 3 for v in by.values()), by
excluded = {(e["number"], e["reviewer"]) for e in plan["excluded"]}
assert not [p for p in pairs if (p["number"], p["reviewer"]) in excluded], pairs
assert abs(sum(p["affinity"] for p in pairs) - plan["total_affinity"]) < 1e-3, plan["total_affinity"]
assert not plan["short"], plan["short"]' plan.json

# For real: one commit for the whole plan, the plan's reviewers assigned.
commits=$(commit_count "$J")
expect_exit 0 "assign --auto" -- "$JOURNAL" -C "$J" assign --auto
check_eq "one commit for the whole plan" "$((commits + 1))" "$(commit_count "$J")"
check "the commit message lists the pairs" -- sh -c "git -C '$J' log -1 --format=%B | grep -q '^#10: '"
check "both submissions are under review with 3 reviewers each" -- "$PY" -c '
import sys, yaml
for n in (10, 11):
    r = yaml.safe_load(open(f"{sys.argv[1]}/submissions/{n}/submission.yaml"))
    assert r["state"] == "under-review", r
    assert len([a for a in r["assignments"] if a["round"] == 1]) == 3, r' "$J"
check "the committed reviewers are the dry run's plan" -- "$PY" -c '
import json, sys, yaml
plan = json.load(open(sys.argv[1]))
want = sorted((p["number"], p["reviewer"]) for p in plan["pairs"])
got = sorted((n, a["reviewer"]) for n in (10, 11)
             for a in yaml.safe_load(open(f"{sys.argv[2]}/submissions/{n}/submission.yaml"))["assignments"])
assert want == got, (want, got)' plan.json "$J"
expect_exit 0 "a second run" -- "$JOURNAL" -C "$J" assign --auto
expect_stdout_match "No submission is waiting for reviewers" "nothing is waiting any more"

# Capacity and shortage: with k=5 and the roster cut to capacity 1, 11 cannot be covered,
# and the report says why.
J2=$TEST_TMP/tight
sample_journal "$J2" || finish
sed -i 's/^    capacity: [0-9]*/    capacity: 1/' "$J2/reviewers.yaml"
"$PY" - "$J2/reviewers.yaml" <<'PY'
import sys
# Keep only the first 8 reviewers: too few for two submissions of five.
text = open(sys.argv[1]).read()
head, *entries = text.split("\n  - id: ")
open(sys.argv[1], "w").write("\n  - id: ".join([head] + entries[:8]) + "\n")
PY
tgit -C "$J2" commit -qam "A small roster"
expect_exit 0 "assign --auto -k 5 on a small roster" -- "$JOURNAL" -C "$J2" assign --auto -k 5 --json
cp "$OUT" tight.json
check "capacity 1 is respected and the shortage is reported with its reason" -- "$PY" -c '
import json, sys
plan = json.load(open(sys.argv[1]))
revs = [p["reviewer"] for p in plan["pairs"]]
assert len(revs) == len(set(revs)), revs
assert plan["short"], plan
assert all("eligible reviewer" in s["why"] for s in plan["short"]), plan["short"]
assert sum(s["missing"] for s in plan["short"]) + len(revs) == 10, plan' tight.json

# Named submissions and bad input.
snapshot "$J" >"$before"
expect_exit 1 "--auto on a published article is refused" -- "$JOURNAL" -C "$J" assign --auto 3
expect_stderr_match "submission 3 is published" "the refusal names the state"
expect_exit 1 "--auto on an unknown submission" -- "$JOURNAL" -C "$J" assign --auto 99
expect_exit 2 "-k 0 is a usage error" -- "$JOURNAL" -C "$J" assign --auto -k 0
expect_exit 2 "--auto with --reviewer is a usage error" -- "$JOURNAL" -C "$J" assign --auto --reviewer asel-bekova
expect_exit 2 "--explain without --auto is a usage error" -- "$JOURNAL" -C "$J" assign 10 --reviewer asel-bekova --explain
expect_unchanged "$before" "$J" "refused runs change nothing"
finish
