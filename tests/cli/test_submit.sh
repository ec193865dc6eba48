#!/usr/bin/env bash
# The happy path of journal submit, list and show in a fresh journal, plus the
# global options (-C, --version, help).
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
MS=$TEST_TMP/ms
new_journal "$J" "Submit Test Journal" || finish
mkdir -p "$MS/figures"
cd "$MS" || exit 1

TITLE="Merit and testing in the civil service"
cat >paper.md <<EOF
---
title: "$TITLE"
lang: en
type: research-article
abstract: "We study how centralised testing changed recruitment."
keywords: [merit, recruitment]
authors:
  - name: Aigerim Testova
    email: a.testova@example.org
    orcid: 0000-0002-1825-0097
    corresponding: true
    affiliations:
      - name: Academy of Testing
        country: KZ
  - name: Ivan Primerov
    affiliations:
      - name: Institute of Examples
        country: Georgia
---

## Introduction

Body text with *emphasis* and a table:

| a | b |
|---|---|
| 1 | 2 |
EOF
printf '\x89PNG\r\n\x1a\nnot really a picture\n' >figures/fig1.png
printf 'year,posts\n2024,12\n' >data.csv

# ---- the first submission ----

commits=$(commit_count "$J")
expect_exit 0 "submit with two attachments exits 0" -- \
    "$JOURNAL" -C "$J" submit paper.md --file figures/fig1.png --file data.csv
check "stdout is exactly the number 1 (\"1\\n\")" -- cmp "$OUT" <(printf '1\n')
expect_stderr_match "received submission 1" "stderr confirms the submission"
check_eq "exactly one new commit" "$((commits + 1))" "$(commit_count "$J")"
subject=$(git -C "$J" log -1 --format=%s)
case "$subject" in
"Submit #1: $TITLE"*) pass "commit message starts 'Submit #1: <title>'" ;;
*) fail "commit message starts 'Submit #1: <title>'" "subject: $subject" ;;
esac
check_eq "commit author from GIT_AUTHOR_NAME/EMAIL" "Test Editor <editor@example.org>" \
    "$(git -C "$J" log -1 --format='%an <%ae>')"
check_eq "the commit touches exactly the submission's files" \
    "submissions/1/files/data.csv
submissions/1/files/figures/fig1.png
submissions/1/manuscript.md
submissions/1/submission.yaml" \
    "$(git -C "$J" show --name-only --format= HEAD | LC_ALL=C sort)"
stat=$(git -C "$J" show --stat=200 --format= HEAD)
for f in submissions/1/manuscript.md submissions/1/submission.yaml \
    submissions/1/files/figures/fig1.png; do
    case "$stat" in
    *"$f"*) pass "git show --stat lists $f" ;;
    *) fail "git show --stat lists $f" "$stat" ;;
    esac
done
check "committed manuscript.md is byte-identical to the input" -- \
    bash -c "git -C '$J' show HEAD:submissions/1/manuscript.md | cmp - paper.md"
check "work-tree manuscript.md is byte-identical to the input" -- \
    cmp "$J/submissions/1/manuscript.md" paper.md
check "committed figures/fig1.png is byte-identical" -- \
    bash -c "git -C '$J' show HEAD:submissions/1/files/figures/fig1.png | cmp - figures/fig1.png"
check "committed data.csv is byte-identical" -- \
    bash -c "git -C '$J' show HEAD:submissions/1/files/data.csv | cmp - data.csv"
record=$(git -C "$J" show HEAD:submissions/1/submission.yaml)
case "$record" in
*"state: submitted"*) pass "submission.yaml: state submitted" ;;
*) fail "submission.yaml: state submitted" "$record" ;;
esac
case "$record" in
*"submitted: 2026-01-15"*) pass "submission.yaml: submitted 2026-01-15 (JOURNAL_TODAY)" ;;
*) fail "submission.yaml: submitted 2026-01-15 (JOURNAL_TODAY)" "$record" ;;
esac
check_eq "work tree clean after submit (git status --porcelain)" "" \
    "$(git -C "$J" status --porcelain)"
check "no *.tmp.* file left in the journal" -- \
    test -z "$(find "$J" -path "$J/.git" -prune -o -name '*.tmp.*' -print)"
check "git fsck is clean" -- git -C "$J" fsck --strict --no-progress

# ---- the second: Quarto's author: synonym, --json, country names ----

cat >second.md <<'EOF'
---
title: "Цифровое правительство и ценности государственной службы"
lang: ru
type: case-study
abstract: "Краткое описание."
author:
  - name: Айгуль Примерова
    affiliations:
      - name: Академия государственного управления
        country: Казахстан
  - name:
      given: John
      family: Example
    affiliations:
      - name: Example Institute
        country: Kazakhstan
      - name: United Nations Development Programme
        international: true
---

Текст статьи.
EOF
expect_exit 0 "second submission (author:, --json) exits 0" -- \
    "$JOURNAL" -C "$J" submit second.md --json
check "--json output parses with number 2, commit = HEAD and the title" -- \
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["number"] == 2, d
assert d["commit"] == sys.argv[2], (d["commit"], sys.argv[2])
assert d["title"] == "Цифровое правительство и ценности государственной службы", d
' "$OUT" "$(git -C "$J" rev-parse HEAD)"
check_eq "commit message starts 'Submit #2: '" \
    "Submit #2: Цифровое правительство и ценности государственной службы" \
    "$(git -C "$J" log -1 --format=%s)"

expect_exit 0 "show 2 --json exits 0" -- "$JOURNAL" -C "$J" show 2 --json
check "show 2 --json: countries given as Казахстан and Kazakhstan are KZ; international has none" -- \
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = d["authors"]
assert len(a) == 2, a
assert a[0]["name"] == "Айгуль Примерова", a[0]
assert a[0]["affiliations"][0]["country"] == "KZ", a[0]
assert a[1]["name"] == "John Example", a[1]
assert a[1]["affiliations"][0]["country"] == "KZ", a[1]
assert a[1]["affiliations"][1]["international"] is True, a[1]
assert "country" not in a[1]["affiliations"][1], a[1]
assert d["lang"] == "ru" and d["type"] == "case-study" and d["state"] == "submitted", d
' "$OUT"

# ---- a third: the smallest acceptable manuscript (editorial: no abstract needed) ----

cat >third.md <<'EOF'
---
title: Editorial
type: editorial
authors:
  name: Editor In Chief
  affiliations:
    name: Example Journal Office
    country: am
---
Welcome.
EOF
expect_exit 0 "minimal editorial (single author mapping, lower-case country code) exits 0" -- \
    "$JOURNAL" -C "$J" submit third.md
check_eq "third submission gets 3" "3" "$(cat "$OUT")"
expect_exit 0 "show 3 --json exits 0" -- "$JOURNAL" -C "$J" show 3 --json
check "show 3: country am normalised to AM, lang defaults to the journal's (en)" -- \
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["authors"][0]["affiliations"][0]["country"] == "AM", d
assert d["lang"] == "en", d
' "$OUT"

# ---- list ----

expect_exit 0 "list exits 0" -- "$JOURNAL" -C "$J" list
expect_stdout_match "^ +1 +submitted +2026-01-15 +en +research-article +Aigerim Testova et al\. +$TITLE\$" \
    "list shows submission 1 with state, date, lang, type, first author, title"
expect_stdout_match "^ +2 +submitted +2026-01-15 +ru +case-study +.*Цифровое правительство" \
    "list shows submission 2"
expect_exit 0 "list --state submitted --json exits 0" -- \
    "$JOURNAL" -C "$J" list --state submitted --json
check "list --state submitted --json: numbers 1, 2, 3, all submitted" -- \
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [s["number"] for s in d] == [1, 2, 3], d
assert all(s["state"] == "submitted" for s in d), d
assert d[0]["title"] == sys.argv[2] and d[0]["first_author"] == "Aigerim Testova", d[0]
assert d[0]["authors"] == 2 and d[0]["submitted"] == "2026-01-15", d[0]
' "$OUT" "$TITLE"
expect_exit 0 "list --state=published --json exits 0" -- \
    "$JOURNAL" -C "$J" --json list --state=published
check_eq "list --state published: none yet" "[]" "$(tr -d ' \n' <"$OUT")"
expect_exit 0 "list --state published (text) exits 0" -- "$JOURNAL" -C "$J" list --state published
expect_stdout_match "No submissions in state published" "list --state published says there are none"

# ---- show ----

expect_exit 0 "show 1 exits 0" -- "$JOURNAL" -C "$J" show 1
expect_stdout_match "^Submission 1: submitted" "show 1: number and state"
expect_stdout_match "^Title: +$TITLE\$" "show 1: title"
expect_stdout_match "Aigerim Testova \(corresponding\) <a\.testova@example\.org> ORCID 0000-0002-1825-0097" \
    "show 1: first author with email and ORCID"
expect_stdout_match "Ivan Primerov" "show 1: second author"
expect_stdout_match "Academy of Testing, Kazakhstan" "show 1: affiliation with country (KZ)"
expect_stdout_match "Institute of Examples, Georgia" "show 1: affiliation with country (Georgia)"
expect_stdout_match "^Received: +2026-01-15" "show 1: received date"
expect_stdout_match "files/data\.csv \($(wc -c <data.csv) bytes\)" "show 1: lists files/data.csv with its size"
# attachments in subfolders must be listed by their path and size.
expect_stdout_match "files/figures/fig1\.png \($(wc -c <figures/fig1.png) bytes\)" \
    "show 1: lists files/figures/fig1.png (attachment in a subfolder)"
expect_stdout_match "^History:" "show 1: has a History section"
expect_stdout_match "^  2026-01-15T12:00:00Z +Test Editor +submitted$" \
    "show 1: History line with date, who and what"
expect_exit 0 "show 1 --json exits 0" -- "$JOURNAL" -C "$J" show 1 --json
check "show 1 --json: files are data.csv and figures/fig1.png with their sizes" -- \
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
files = {f["name"]: f["size"] for f in d["files"]}
assert files == {"data.csv": int(sys.argv[2]), "figures/fig1.png": int(sys.argv[3])}, files
assert d["history"][0]["what"] == "submitted", d["history"]
assert d["history"][0]["who"] == "Test Editor", d["history"]
' "$OUT" "$(wc -c <data.csv)" "$(wc -c <figures/fig1.png)"
expect_exit 0 "show '#1' exits 0" -- "$JOURNAL" -C "$J" show '#1'
expect_exit 1 "show 99 exits 1" -- "$JOURNAL" -C "$J" show 99
expect_stderr_match "no submission 99" "show 99: says there is no submission 99"

# ---- -C, global options, help ----

expect_exit 0 "-C DIR list --json from / exits 0" -- in_dir / "$JOURNAL" -C "$J" list --json
check_eq "-C DIR works from another cwd (list --json from /)" "1 2 3" \
    "$(python3 -c 'import json,sys; print(*[s["number"] for s in json.load(open(sys.argv[1]))])' "$OUT" 2>&1)"
expect_exit 0 "list --json from a subfolder of the journal exits 0" -- \
    in_dir "$J/submissions" "$JOURNAL" list --json
check_eq "from a subfolder of the journal, without -C" "1 2 3" \
    "$(python3 -c 'import json,sys; print(*[s["number"] for s in json.load(open(sys.argv[1]))])' "$OUT" 2>&1)"
mkdir -p "$TEST_TMP/elsewhere"
cp paper.md "$TEST_TMP/elsewhere/p.md"
expect_exit 0 "-C ../journal submit p.md from another folder exits 0" -- \
    in_dir "$TEST_TMP/elsewhere" "$JOURNAL" -C ../journal submit p.md
check_eq "-C with a relative folder; manuscript relative to the cwd" "4" "$(cat "$OUT")"

expect_exit 0 "--version exits 0" -- "$JOURNAL" --version
expect_stdout_match "^journal [0-9]+\.[0-9]+\.[0-9]+" "--version prints a version"
expect_exit 0 "help exits 0" -- "$JOURNAL" help
for c in init submit list show reindex build-site help; do
    expect_stdout_match "^  $c " "help lists $c"
done
expect_stdout_match "^Exit status:" "help documents exit codes"
expect_stdout_match "^  1  the input was rejected" "help documents exit 1"
expect_stdout_match "^  2  usage error" "help documents exit 2"
expect_stdout_match "^  3  failure outside the input" "help documents exit 3"
expect_exit 0 "help submit exits 0" -- "$JOURNAL" help submit
expect_stdout_match "^usage: journal submit MANUSCRIPT\.md" "help submit prints its usage"
expect_stdout_match "--file FILE" "help submit documents --file"
expect_exit 0 "submit --help exits 0" -- "$JOURNAL" submit --help
expect_stdout_match "^usage: journal submit" "submit --help prints its usage"

# A first author wider than the column: the name is cut on a character, "et al." stays whole.
sed 's/^  - name: Aigerim Testova$/  - name: "Бекова-Константинопольская Асель"/' paper.md >long.md
expect_exit 0 "submit with a long Cyrillic first author exits 0" -- "$JOURNAL" -C "$J" submit long.md
expect_exit 0 "list with the long first author exits 0" -- "$JOURNAL" -C "$J" list
expect_stdout_match "^ +5 +submitted .* Бекова-Констан… et al\. +$TITLE\$" \
    "list cuts the long name and keeps 'et al.' whole"

check_eq "work tree still clean" "" "$(git -C "$J" status --porcelain)"
check_eq "5 submissions, 6 commits in all" "6" "$(commit_count "$J")"

finish
