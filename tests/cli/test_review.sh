#!/usr/bin/env bash
# A review round from end to end on the sample journal: assign reviewers (due
# dates, loads, the queue), record verdicts with comments and confidential
# comments, decide, revise, a second round with an amended verdict, a desk
# rejection and an overridden conflict. Every action is one commit that leaves
# the work tree clean; the author never learns who reviewed (letters, show
# --role author, the public site) and confidential comments never leave the office.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
W=$TEST_TMP/work
sample_journal "$J" || finish
mkdir -p "$W"
cd "$W" || finish

# The three reviewers of round 1, in the order they are assigned (Reviewer 1, 2, 3).
R1=asel-bekova
R2=aliya-temirkhanova
R3=dinara-ospanova
# Round 2: R1 again and a reviewer assigned over a planted conflict (same
# institution as Natalia Ursu, spelled differently).
RC=victoria-ciobanu
ALL_REVIEWERS="$R1 $R2 $R3 $RC"

# roster_field ID FIELD: a reviewer's top-level field (name, email) from reviewers.yaml.
roster_field() {
    awk -v id="$1" -v f="$2" '
        /^  - id: / { cur = $3 }
        cur == id && index($0, "    " f ": ") == 1 { sub("^    " f ": *", ""); print; exit }
    ' "$J/reviewers.yaml"
}

# The identities that must never reach an author: id, name and email of each reviewer.
IDENTITIES=()
for id in $ALL_REVIEWERS; do
    name=$(roster_field "$id" name)
    email=$(roster_field "$id" email)
    if [ -n "$name" ] && [ -n "$email" ]; then
        IDENTITIES+=("$id" "$name" "$email")
    else
        fail "reviewers.yaml has a name and an email for $id" "name='$name' email='$email'"
    fi
done

# absent DESC FILE STRING...: none of the strings occurs in FILE (fixed strings).
absent() {
    local desc=$1 file=$2 found=() s
    shift 2
    if [ ! -f "$file" ]; then
        fail "$desc" "$file does not exist"
        return
    fi
    for s in "$@"; do
        grep -qF -- "$s" "$file" && found+=("$s")
    done
    if [ ${#found[@]} -eq 0 ]; then
        pass "$desc"
    else
        fail "$desc" "found: ${found[*]}" "$(grep -nF -e "${found[0]}" "$file" | head -3)"
    fi
}

# act DESC -- CMD...: an editorial action that must succeed with exactly one new
# commit and a clean work tree.
act() {
    local desc=$1 before after status
    shift
    [ "${1:-}" = "--" ] && shift
    before=$(commit_count "$J")
    expect_exit 0 "$desc" -- "$@" || return 1
    after=$(commit_count "$J")
    status=$(git -C "$J" status --porcelain)
    if [ "$after" -eq $((before + 1)) ] && [ -z "$status" ]; then
        pass "$desc: exactly one commit, clean work tree"
    else
        fail "$desc: exactly one commit, clean work tree" "commits $before -> $after" \
            "status: $status"
    fi
}

# last_commit_is SUBJECT FILES DESC: the last commit's subject and the files it changed.
last_commit_is() {
    local subject files
    subject=$(git -C "$J" log -1 --format=%s)
    files=$(git -C "$J" show --format= --name-only HEAD | LC_ALL=C sort | tr '\n' ' ')
    check_eq "$3: commit message" "$1" "$subject"
    check_eq "$3: files in the commit" "$2" "${files% }"
}

# json_get EXPR: evaluate a Python expression over the JSON in $OUT (bound to d);
# a tuple prints space-separated.
json_get() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(" ".join(map(str, v)) if isinstance(v, tuple) else v)' \
        "$OUT" "$1" 2>&1
}

state_of() {
    "$JOURNAL" -C "$J" show "$1" --json 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])' 2>&1
}

# ---- the roster before any assignment ----

expect_exit 0 "reviewers lists the roster" -- "$JOURNAL" -C "$J" reviewers
check_eq "reviewers: 40 rows after the header" 40 "$(tail -n +2 "$OUT" | grep -c .)"
check_eq "reviewers: every reviewer has load 0/capacity" 40 \
    "$(tail -n +2 "$OUT" | grep -cE ' 0/[1-9][0-9]* ')"
expect_stdout_match "^asel-bekova +Asel Bekova .* 0/3 " "reviewers: asel-bekova 0/3"
expect_stdout_match "^maral-annayeva .* 0/1 " "reviewers: maral-annayeva 0/1"
expect_stdout_match "^timur-usenov .*\(inactive\)" "reviewers: timur-usenov marked inactive"

# Names longer than their column, in Cyrillic and with a combining accent: cut on a character
# (never inside one) with an ellipsis, and the columns after them where they belong.
N=$TEST_TMP/names
sample_journal "$N" || finish
sed -i 's/^\(  *name:\) "\?Asel Bekova"\?$/\1 "Бекова-Константинопольская Асель Нурлановна"/;
        s/^\(  *name:\) "\?Maral Annayeva"\?$/\1 "José Maria de Vasconcelos e Sá Annayeva"/' \
    "$N/reviewers.yaml"
tgit -C "$N" commit -qam "Long names"
expect_exit 0 "reviewers with long Cyrillic and accented names" -- "$JOURNAL" -C "$N" reviewers
check "the long names are cut on a character, with an ellipsis, and the columns line up" -- \
    python3 -c '
import sys, unicodedata
lines = open(sys.argv[1], encoding="utf-8", errors="strict").read().splitlines()
def width(s):
    return sum(0 if unicodedata.combining(c) else 1 for c in s)
header = lines[0]
country = header.index("COUNTRY")
seen = 0
for line in lines[1:]:
    # The display column where COUNTRY starts is the same on every row.
    n = 0
    for i, c in enumerate(line):
        if width(line[:i]) == country:
            n = i
            break
    assert line[n - 1] == " " and line[n] != " ", line
    if line.startswith(("asel-bekova ", "maral-annayeva ")):
        seen += 1
        assert "\u2026" in line, line
assert seen == 2, seen
assert "Бекова-Константинопольска\u2026 KZ" in open(sys.argv[1], encoding="utf-8").read()
' "$OUT"
expect_exit 0 "reviewers --json" -- "$JOURNAL" -C "$J" reviewers --json
check_eq "reviewers --json: 40 reviewers, all with load 0" "40 True" \
    "$(json_get 'len(d), all(r["load"] == 0 for r in d)')"
check_eq "reviewers --json: capacities from reviewers.yaml" "3 2 4 1 5" \
    "$(json_get '" ".join(str({r["id"]: r["capacity"] for r in d}[i]) for i in
        ["asel-bekova", "yerlan-dzhaksybekov", "gulmira-sadykova", "maral-annayeva", "olena-kovalenko"])')"

# ---- round 1: three reviewers for submission 10 ----

BASE=$(commit_count "$J")
act "assign $R1 to 10 --due 3w" -- "$JOURNAL" -C "$J" assign 10 --reviewer $R1 --due 3w
expect_stdout_match "^Assigned $R1 to submission 10 \(round 1\), due 2026-02-05\.$" \
    "assign --due 3w: due 2026-02-05 (three weeks after 2026-01-15)"
last_commit_is "Assign reviewer $R1 to #10 (round 1)" "submissions/10/submission.yaml" \
    "assign $R1"
check "assign: the commit message gives the due date" -- \
    sh -c "git -C '$J' log -1 --format=%B | grep -qx 'Due: 2026-02-05'"
check_eq "submission 10 is under-review after the first assignment" under-review "$(state_of 10)"

act "assign $R2 to 10 --due 2026-03-01" -- "$JOURNAL" -C "$J" assign 10 --reviewer $R2 --due 2026-03-01
expect_stdout_match "due 2026-03-01\.$" "assign --due 2026-03-01: due exactly that day"
act "assign $R3 to 10 --due 10d" -- "$JOURNAL" -C "$J" assign 10 --reviewer $R3 --due 10d
expect_stdout_match "due 2026-01-25\.$" "assign --due 10d: due 2026-01-25"
last_commit_is "Assign reviewer $R3 to #10 (round 1)" "submissions/10/submission.yaml" \
    "assign $R3"

expect_exit 0 "show 10 --json" -- "$JOURNAL" -C "$J" show 10 --json
check_eq "show --json: state and round" "under-review 1" "$(json_get 'd["state"], d["round"]')"
check_eq "show --json: the three reviewers with their due dates" \
    "1:$R1:2026-02-05 1:$R2:2026-03-01 1:$R3:2026-01-25" \
    "$(json_get '" ".join("%d:%s:%s" % (r["round"], r["reviewer"], r["due"]) for r in d["reviewers"])')"
check_eq "show --json: each reviewer invited today" "2026-01-15 2026-01-15 2026-01-15" \
    "$(json_get '" ".join(r["invited"] for r in d["reviewers"])')"

expect_exit 0 "reviewers after the assignments" -- "$JOURNAL" -C "$J" reviewers
expect_stdout_match "^$R1 .* 1/3 " "reviewers: $R1 has load 1/3"
expect_stdout_match "^$R2 .* 1/3 " "reviewers: $R2 has load 1/3"
expect_stdout_match "^$R3 .* 1/5 " "reviewers: $R3 has load 1/5"
check_eq "reviewers: nobody else has a load" 37 "$(tail -n +2 "$OUT" | grep -cE ' 0/[1-9][0-9]* ')"

expect_exit 0 "queue on 2026-01-15" -- "$JOURNAL" -C "$J" queue
expect_stdout_match "^Reviews in progress:" "queue: a 'Reviews in progress' section"
for pair in "$R1:2026-02-05" "$R2:2026-03-01" "$R3:2026-01-25"; do
    expect_stdout_match "^ +10 +${pair%%:*} +due ${pair#*:} " \
        "queue: ${pair%%:*}'s review of 10 due ${pair#*:} is pending"
done
expect_stdout_no_match "Overdue" "queue: nothing overdue on 2026-01-15"
expect_stdout_match "^ +11 +0 of 3 assigned" "queue: 11 waits for reviewers"
expect_stdout_no_match "^ +10 +[0-9]+ of 3 assigned" "queue: 10 no longer waits for reviewers"

expect_exit 0 "queue on 2026-01-27 (past $R3's due date)" -- \
    env JOURNAL_TODAY=2026-01-27 "$JOURNAL" -C "$J" queue
expect_stdout_match "^Overdue reviews:" "queue: an 'Overdue reviews' section"
# queue_section HEADING: the lines of one section of the last `queue` output.
queue_section() {
    sed -n "/^$1/,/^\$/p" "$OUT"
}
check_eq "queue: exactly one overdue review: $R3's, 2 days late" \
    "1 1" "$(queue_section 'Overdue reviews:' | grep -cE '^ +10 ') $(queue_section 'Overdue reviews:' |
        grep -cE "^ +10 +$R3 +due 2026-01-25 \(2 days late\) ")"
check_eq "queue: the other two still in progress" "2" \
    "$(queue_section 'Reviews in progress:' | grep -cE "^ +10 +($R1|$R2) ")"
expect_exit 0 "queue --json on 2026-01-27" -- env JOURNAL_TODAY=2026-01-27 "$JOURNAL" -C "$J" queue --json
check_eq "queue --json: overdue is [$R3]" "$R3" \
    "$(json_get '" ".join(r["reviewer"] for r in d["overdue"])')"

# ---- the reviews ----

C1="COMMENTS-ALPHA-7319 The pilot design is sound but the sample is small."
C2="COMMENTS-BRAVO-4402 Please report effect sizes with confidence intervals."
C3="COMMENTS-CHARLIE-8857 A clear and useful study."
K1="CONFIDENTIAL-KILO-1193 I know the authors' training centre well."
K2="CONFIDENTIAL-LIMA-2288 Borderline; I would not insist."
K3="CONFIDENTIAL-MIKE-3377 Possibly salami-sliced from a report."
SECRETS=("$K1" "$K2" "$K3")
printf '%s\n\nMore detail on the methods.\n' "$C1" >c1.md
printf '%s\n' "$C2" >c2.md
printf '%s\n' "$C3" >c3.md
printf '%s\n' "$K1" >k1.md
printf '%s\n' "$K2" >k2.md
printf '%s\n' "$K3" >k3.md

act "review by $R1 (--as)" -- "$JOURNAL" -C "$J" review 10 --verdict minor-revision \
    --comments c1.md --confidential k1.md --as $R1
expect_stdout_match "^Recorded the verdict of $R1 on submission 10 \(round 1\): minor-revision\.$" \
    "review: says what was recorded"
last_commit_is "Review #10 by $R1 (round 1): minor-revision" \
    "submissions/10/reviews/round-1/$R1.yaml submissions/10/submission.yaml" "review by $R1"
check "the review file keeps verdict, comments and confidential comments" -- \
    sh -c "f='$J/submissions/10/reviews/round-1/$R1.yaml'; grep -qx 'verdict: minor-revision' \"\$f\" &&
           grep -qF 'COMMENTS-ALPHA-7319' \"\$f\" && grep -qF 'CONFIDENTIAL-KILO-1193' \"\$f\""
expect_exit 0 "queue after one review" -- "$JOURNAL" -C "$J" queue
expect_stdout_no_match "^Decisions due" "queue: no decision due while reviews are pending"

act "review by $R2 (JOURNAL_REVIEWER)" -- env JOURNAL_REVIEWER=$R2 "$JOURNAL" -C "$J" review 10 \
    --verdict major-revision --comments c2.md --confidential k2.md
check "the review by JOURNAL_REVIEWER is filed under $R2" -- \
    grep -qx "reviewer: $R2" "$J/submissions/10/reviews/round-1/$R2.yaml"
act "review by $R3 (--as)" -- "$JOURNAL" -C "$J" review 10 --verdict accept \
    --comments c3.md --confidential k3.md --as $R3

expect_exit 0 "queue once every verdict is in" -- "$JOURNAL" -C "$J" queue
expect_stdout_match "^Decisions due" "queue: a 'Decisions due' section"
expect_stdout_match "^ +10 +3 review\(s\) in, round 1 " "queue: the decision on 10 is due, 3 reviews in"
expect_stdout_no_match "^ +10 +($R1|$R2|$R3) " "queue: no pending review of 10 left"
expect_exit 0 "reviewers once the reviews are in" -- "$JOURNAL" -C "$J" reviewers
expect_stdout_match "^$R1 .* 0/3 " "reviewers: $R1's load is back to 0/3"

# ---- the decision: revise ----

act "decide 10 revise" -- "$JOURNAL" -C "$J" decide 10 revise
expect_stdout_match "revision-requested" "decide: says the new state"
check_eq "submission 10 is revision-requested" revision-requested "$(state_of 10)"
LETTER1=$J/submissions/10/letters/round-1-decision.md
last_commit_is "Decide #10: revise (round 1)" \
    "submissions/10/letters/round-1-decision.md submissions/10/submission.yaml" "decide 10 revise"
check "the letter submissions/10/letters/round-1-decision.md exists" -- test -s "$LETTER1"
# section_has FILE N STRING: the letter's text from the "Reviewer N" heading to the
# next heading contains STRING.
section_has() {
    awk -v n="$2" '/^#+ / { f = ($0 ~ ("Reviewer " n "([^0-9]|$)")); next } f' "$1" | grep -qF -- "$3"
}
check "letter: Reviewer 1 quotes $R1's comments" -- section_has "$LETTER1" 1 COMMENTS-ALPHA-7319
check "letter: Reviewer 2 quotes $R2's comments" -- section_has "$LETTER1" 2 COMMENTS-BRAVO-4402
check "letter: Reviewer 3 quotes $R3's comments" -- section_has "$LETTER1" 3 COMMENTS-CHARLIE-8857
section_lacks() { ! section_has "$@"; }
check "letter: Reviewer 1 does not quote Reviewer 2's comments" -- \
    section_lacks "$LETTER1" 1 COMMENTS-BRAVO-4402
check "letter: Reviewer 2 does not quote Reviewer 3's comments" -- \
    section_lacks "$LETTER1" 2 COMMENTS-CHARLIE-8857
check "letter: addressed to the corresponding author" -- grep -q "^Dear Corneliu Balan," "$LETTER1"
absent "letter: no reviewer id, name or email" "$LETTER1" "${IDENTITIES[@]}"
absent "letter: no confidential comment" "$LETTER1" "${SECRETS[@]}" CONFIDENTIAL

# ---- what the author sees ----

expect_exit 0 "show 10 --role author" -- "$JOURNAL" -C "$J" show 10 --role author
cp "$OUT" author.txt
absent "show --role author: no reviewer id, name or email" author.txt "${IDENTITIES[@]}"
absent "show --role author: no confidential comment" author.txt "${SECRETS[@]}"
expect_exit 0 "show 10 --role author --json" -- "$JOURNAL" -C "$J" show 10 --role author --json
cp "$OUT" author.json
absent "show --role author --json: no reviewer id, name or email" author.json "${IDENTITIES[@]}"
check_eq "show --role author --json: no reviewers list" False "$(json_get '"reviewers" in d')"
expect_exit 0 "show 10 (editor)" -- "$JOURNAL" -C "$J" show 10
for id in $R1 $R2 $R3; do
    expect_stdout_match "round 1 +$id " "show (editor): lists $id with round 1"
done
expect_stdout_match "round 1 +$R2 +due 2026-03-01 +major-revision" "show (editor): $R2's due date and verdict"
expect_exit 0 "show 10 --role editor --json" -- "$JOURNAL" -C "$J" show 10 --role editor --json
check_eq "show --role editor --json: verdicts" "minor-revision major-revision accept" \
    "$(json_get '" ".join(r.get("verdict", "-") for r in d["reviewers"])')"

# ---- the revision ----

sed 's/^The pilot is small and covers only two posts, /The pilot is small (REVISED-PARAGRAPH-5521) and covers only two posts, /' \
    "$J/submissions/10/manuscript.md" >NEW.md
check "the revised manuscript differs in one line" -- \
    test "$(diff "$J/submissions/10/manuscript.md" NEW.md | grep -c '^[<>]')" = 2
printf 'RESPONSE-TO-REVIEWERS-6610\n\nWe now report confidence intervals.\n' >R.md
act "revise 10 NEW.md --response R.md" -- env JOURNAL_TODAY=2026-02-10 "$JOURNAL" -C "$J" \
    revise 10 NEW.md --response R.md
expect_stdout_match "round 2" "revise: says round 2"
expect_exit 0 "show 10 --json after the revision" -- "$JOURNAL" -C "$J" show 10 --json
check_eq "after revise: under-review, round 2" "under-review 2" "$(json_get 'd["state"], d["round"]')"
check "after revise: manuscript.md is the revision" -- cmp -s NEW.md "$J/submissions/10/manuscript.md"
check "after revise: responses/round-2.md is the response" -- \
    cmp -s R.md "$J/submissions/10/responses/round-2.md"
last_commit_is "Revise #10: round 2" \
    "submissions/10/manuscript.md submissions/10/responses/round-2.md submissions/10/submission.yaml" \
    "revise 10"

expect_exit 0 "diff 10" -- "$JOURNAL" -C "$J" diff 10
expect_stdout_match "^--- .*round-1" "diff: '---' header for round 1"
expect_stdout_match "^\+\+\+ .*round-2" "diff: '+++' header for round 2"
expect_stdout_match "^@@ -[0-9]+(,[0-9]+)? \+[0-9]+(,[0-9]+)? @@" "diff: a hunk header"
expect_stdout_match "^-The pilot is small and covers only two posts" "diff: the old line with '-'"
expect_stdout_match "^\+The pilot is small \(REVISED-PARAGRAPH-5521\)" "diff: the new line with '+'"
check_eq "diff: exactly one line removed and one added" 2 "$(grep -cE '^[-+][^-+]' "$OUT")"
cp "$OUT" diff-default.txt
expect_exit 0 "diff 10 2" -- "$JOURNAL" -C "$J" diff 10 2
check "diff 10 2 is diff 10" -- cmp -s "$OUT" diff-default.txt
expect_exit 1 "diff 10 1: refused" -- "$JOURNAL" -C "$J" diff 10 1
expect_stderr_match "no earlier version" "diff 10 1: says there is no earlier version"

# ---- round 2: an amended verdict, an overridden conflict, acceptance ----

expect_exit 0 "reviewers in round 2" -- env JOURNAL_TODAY=2026-02-10 "$JOURNAL" -C "$J" reviewers
expect_stdout_match "^$R1 .* 0/3 " "reviewers: round 1 reviews no longer count as load"
act "assign $R1 to round 2 (default due date)" -- env JOURNAL_TODAY=2026-02-10 "$JOURNAL" -C "$J" assign 10 --reviewer $R1
expect_stdout_match "^Assigned $R1 to submission 10 \(round 2\), due 2026-03-03\.$" \
    "assign without --due: review_due_days (21) after 2026-02-10"
last_commit_is "Assign reviewer $R1 to #10 (round 2)" "submissions/10/submission.yaml" "assign round 2"

JUSTIFICATION="JUSTIFICATION-9041 different department, no joint work since 2015"
act "assign $RC over a conflict with --override-conflict" -- env JOURNAL_TODAY=2026-02-10 "$JOURNAL" -C "$J" assign 10 \
    --reviewer $RC --override-conflict "$JUSTIFICATION"
expect_stdout_match "Override recorded: .*institution.*$JUSTIFICATION" \
    "assign --override-conflict: says the override was recorded, with the rule"
check "--override-conflict: the justification is in submission.yaml" -- \
    grep -qF "$JUSTIFICATION" "$J/submissions/10/submission.yaml"
check "--override-conflict: the justification is in the commit message" -- \
    sh -c "git -C '$J' log -1 --format=%B | grep -F 'Override:' | grep -qF '$JUSTIFICATION'"
expect_exit 0 "show 10 after the override" -- "$JOURNAL" -C "$J" show 10
expect_stdout_match "$JUSTIFICATION" "show: the justification is shown"
expect_exit 0 "show 10 --json after the override" -- "$JOURNAL" -C "$J" show 10 --json
check_eq "show --json: the round-2 reviewers, the override recorded on $RC" \
    "2:$R1:2026-03-03:- 2:$RC:2026-03-03:yes" \
    "$(json_get '" ".join("%d:%s:%s:%s" % (r["round"], r["reviewer"], r["due"], "yes" if "JUSTIFICATION-9041" in r.get("override", "") else "-") for r in d["reviewers"] if r["round"] == 2)')"

printf 'ROUND2-FIRST-4711 Nearly there; the limitations need one more sentence.\n' >d1.md
printf 'ROUND2-AMENDED-4712 The limitations are now clear.\n' >d2.md
act "round 2: review by $R1" -- env JOURNAL_TODAY=2026-02-10 "$JOURNAL" -C "$J" review 10 --verdict minor-revision \
    --comments d1.md --as $R1
cp "$J/submissions/10/reviews/round-1/$R1.yaml" r1-round1.yaml
act "round 2: review --amend by $R1" -- env JOURNAL_TODAY=2026-02-12 "$JOURNAL" -C "$J" review 10 \
    --verdict accept --comments d2.md --as $R1 --amend
expect_stdout_match "^Amended the verdict of $R1 on submission 10 \(round 2\): accept\.$" \
    "review --amend: says the verdict was amended"
last_commit_is "Amend review of #10 by $R1 (round 2): accept" \
    "submissions/10/reviews/round-2/$R1.yaml submissions/10/submission.yaml" "review --amend"
F=$J/submissions/10/reviews/round-2/$R1.yaml
check "amended review: verdict accept" -- grep -qx 'verdict: accept' "$F"
check "amended review: says amended 2026-02-12" -- grep -qx 'amended: 2026-02-12' "$F"
check "amended review: keeps the first submission date" -- grep -qx 'submitted: 2026-02-10' "$F"
check "amended review: the new comments replace the old" -- \
    sh -c "grep -qF ROUND2-AMENDED-4712 '$F' && ! grep -qF ROUND2-FIRST-4711 '$F'"
check "amended review: round 1's verdict is untouched" -- \
    cmp -s r1-round1.yaml "$J/submissions/10/reviews/round-1/$R1.yaml"

# The conflicted reviewer records the verdict personally (JOURNAL_REVIEWER) under
# the reviewer's own git identity, as a reviewer with access to the repository would.
RC_NAME=$(roster_field $RC name)
RC_EMAIL=$(roster_field $RC email)
printf 'ROUND2-RC-5858 Fine as it stands.\n' >d3.md
act "round 2: $RC records the verdict under the reviewer's own git identity" -- \
    env JOURNAL_TODAY=2026-02-12 JOURNAL_REVIEWER=$RC \
    GIT_AUTHOR_NAME="$RC_NAME" GIT_AUTHOR_EMAIL="$RC_EMAIL" \
    GIT_COMMITTER_NAME="$RC_NAME" GIT_COMMITTER_EMAIL="$RC_EMAIL" \
    "$JOURNAL" -C "$J" review 10 --verdict accept --comments d3.md
expect_exit 0 "show 10 --role author after round 2's reviews" -- "$JOURNAL" -C "$J" show 10 --role author
cp "$OUT" author2.txt
# A reviewer who records the verdict under their own git identity must not be
# named by the history's "who" either.
absent "show --role author: no reviewer identity even when the reviewer committed the verdict" \
    author2.txt "${IDENTITIES[@]}"
expect_exit 0 "show 10 --role author --json after round 2's reviews" -- \
    "$JOURNAL" -C "$J" show 10 --role author --json
cp "$OUT" author2.json
# The same in the JSON "who" of the history.
absent "show --role author --json: no reviewer identity even when the reviewer committed the verdict" \
    author2.json "${IDENTITIES[@]}"

act "decide 10 accept" -- env JOURNAL_TODAY=2026-02-14 "$JOURNAL" -C "$J" decide 10 accept
expect_exit 0 "show 10 --json after acceptance" -- "$JOURNAL" -C "$J" show 10 --json
check_eq "after decide accept: accepted on 2026-02-14" "accepted 2026-02-14" \
    "$(json_get 'd["state"], d.get("accepted")')"
LETTER2=$J/submissions/10/letters/round-2-decision.md
check "the round-2 letter exists" -- test -s "$LETTER2"
check "round-2 letter: quotes the amended comments, not the replaced ones" -- \
    sh -c "grep -qF ROUND2-AMENDED-4712 '$LETTER2' && ! grep -qF ROUND2-FIRST-4711 '$LETTER2'"
check "round-2 letter: Reviewer 1 and Reviewer 2, no Reviewer 3" -- \
    sh -c "grep -q 'Reviewer 1' '$LETTER2' && grep -q 'Reviewer 2' '$LETTER2' && ! grep -q 'Reviewer 3' '$LETTER2'"
check "round-2 letter: no round-1 comments" -- \
    sh -c "! grep -qE 'COMMENTS-(ALPHA|BRAVO|CHARLIE)' '$LETTER2'"
absent "round-2 letter: no reviewer id, name or email, no justification" "$LETTER2" \
    "${IDENTITIES[@]}" "$JUSTIFICATION"
check "round 1's letter is unchanged" -- \
    test -z "$(git -C "$J" diff --stat HEAD~1 HEAD -- submissions/10/letters/round-1-decision.md)"

# ---- desk rejection ----

check_eq "submission 11 is submitted" submitted "$(state_of 11)"
act "decide 11 reject (desk rejection)" -- "$JOURNAL" -C "$J" decide 11 reject
check_eq "submission 11 is desk-rejected" desk-rejected "$(state_of 11)"
last_commit_is "Decide #11: desk-reject (round 1)" \
    "submissions/11/letters/round-1-decision.md submissions/11/submission.yaml" "desk rejection"
LETTER3=$J/submissions/11/letters/round-1-decision.md
check "desk rejection: the letter exists" -- test -s "$LETTER3"
check "desk rejection: the letter has no reviewer section" -- \
    sh -c "! grep -qiE 'reviewer|## ' '$LETTER3'"
check "desk rejection: addressed to the corresponding author" -- grep -q "^Dear Marat Iskakov," "$LETTER3"

# ---- afterwards ----

check_eq "every action was one commit (3+3+1+1+2+2+1+1+1 = 15)" 15 $(($(commit_count "$J") - BASE))
check_eq "the work tree is clean" "" "$(git -C "$J" status --porcelain)"

expect_exit 0 "build-site" -- "$JOURNAL" -C "$J" build-site
SITE_SECRETS=("${IDENTITIES[@]}" "${SECRETS[@]}" "$C1" "$C2" "$C3" COMMENTS-ALPHA-7319
    ROUND2-AMENDED-4712 ROUND2-RC-5858 RESPONSE-TO-REVIEWERS-6610 "$JUSTIFICATION"
    "Dear Corneliu Balan" "Dear Marat Iskakov" "Reviewers' comments" "Reviewer 1"
    "has been accepted for publication" "decided not to send it out for review")
found=()
for s in "${SITE_SECRETS[@]}"; do
    grep -rqF -- "$s" "$J/_site" && found+=("$s")
done
if [ -d "$J/_site" ] && [ ${#found[@]} -eq 0 ]; then
    pass "the site has no reviewer name/email/id, confidential comment or letter text"
else
    fail "the site has no reviewer name/email/id, confidential comment or letter text" \
        "found: ${found[*]}" "$(grep -rlF -- "${found[0]:-x}" "$J/_site" | head -3)"
fi
check_eq "build-site left the work tree clean" "" "$(git -C "$J" status --porcelain)"

finish
