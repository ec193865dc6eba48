#!/usr/bin/env bash
# journal init makes a complete, committed journal; it refuses to overwrite one.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/new
cd "$TEST_TMP" || exit 1

expect_exit 0 "init DIR --title X exits 0" -- "$JOURNAL" init "$J" --title "X"
expect_stdout_match "Created journal 'X'" "init says what it created"
cp "$OUT" "$TEST_TMP/.init.out"
check "journal.yaml created" -- test -f "$J/journal.yaml"
check "journal.yaml has the title" -- grep -qE '^title: "?X"?$' "$J/journal.yaml"
check ".gitignore created" -- test -f "$J/.gitignore"
check ".gitignore ignores .journal/" -- grep -qE '^/?\.journal/?$' "$J/.gitignore"
check ".gitignore ignores _site/" -- grep -qE '^/?_site/?$' "$J/.gitignore"
check "submissions/ created" -- test -d "$J/submissions"
check "issues/ created" -- test -d "$J/issues"
for t in head foot home issue article; do
    check "themes/default/templates/$t.mustache created" -- \
        test -s "$J/themes/default/templates/$t.mustache"
done
check "themes/default/assets/style.css created" -- test -s "$J/themes/default/assets/style.css"
check_eq "exactly one commit" "1" "$(commit_count "$J")"
check_eq "the commit message" "Create journal: X" "$(git -C "$J" log -1 --format=%s)"
check_eq "the commit author comes from GIT_AUTHOR_NAME/EMAIL" "Test Editor <editor@example.org>" \
    "$(git -C "$J" log -1 --format='%an <%ae>')"
committed=$(git -C "$J" ls-files)
for f in journal.yaml .gitignore themes/default/templates/home.mustache \
    themes/default/templates/issue.mustache themes/default/templates/article.mustache \
    themes/default/assets/style.css; do
    case "$committed" in
    *"$f"*) pass "$f is committed" ;;
    *) fail "$f is committed" "$committed" ;;
    esac
done
check_eq "every file in the work tree is committed (status clean)" "" \
    "$(git -C "$J" status --porcelain --ignored)"
check "git fsck is clean" -- git -C "$J" fsck --strict --no-progress

expect_exit 0 "list on the new journal exits 0" -- "$JOURNAL" -C "$J" list
expect_stdout_match "No submissions yet" "list says there are no submissions yet"
expect_exit 0 "list --json on the new journal exits 0" -- "$JOURNAL" -C "$J" list --json
check_eq "list --json is an empty array" "[]" "$(tr -d ' \n' <"$OUT")"

# ---- the placeholder base_url ----

check "init says base_url is a placeholder" -- \
    grep -q "base_url in journal.yaml is a placeholder" "$TEST_TMP/.init.out"
check "journal.yaml has the placeholder base_url" -- \
    grep -qE '^base_url: "?https://journal.example.org/"?$' "$J/journal.yaml"
line=$(grep -n '^base_url:' "$J/journal.yaml" | cut -d: -f1)
snapshot "$J" >"$TEST_TMP/.before"
expect_exit 1 "build-site refuses the placeholder base_url" -- "$JOURNAL" -C "$J" build-site
expect_stderr_match "^journal build-site: journal.yaml:$line:11: base_url 'https://journal.example.org/' is a placeholder \(example.org is reserved for examples and tests.*set base_url in journal.yaml" \
    "... naming base_url, its line in journal.yaml and what to do"
expect_stderr_match "build a preview with --draft" "... and how to preview"
check "... and builds nothing" -- test ! -e "$J/_site"
expect_unchanged "$TEST_TMP/.before" "$J" "... and leaves the journal unchanged"
expect_exit 1 "doctor reports the placeholder base_url" -- "$JOURNAL" -C "$J" doctor
expect_stdout_match "^journal.yaml:$line: base_url 'https://journal.example.org/' is a placeholder .*\[config\]" \
    "... as a config problem of journal.yaml at its line"

# ---- build-site on the empty journal ----

expect_exit 0 "build-site --draft on the empty journal exits 0" -- "$JOURNAL" -C "$J" build-site --draft
expect_stderr_match "^journal build-site: warning: journal.yaml:$line: base_url 'https://journal.example.org/' is a placeholder" \
    "... warning that base_url is a placeholder"
check "_site/index.html exists" -- test -s "$J/_site/index.html"
check "_site/assets/style.css exists" -- test -s "$J/_site/assets/style.css"
check "the home page says no issues yet" -- grep -qiE 'no issues' "$J/_site/index.html"
check "the home page has the journal's title" -- grep -q '>X<' "$J/_site/index.html"
check_eq "build-site leaves the work tree clean" "" "$(git -C "$J" status --porcelain)"

# ---- refusing to overwrite ----

snapshot "$J" >"$TEST_TMP/.before"
expect_exit 1 "init on an existing journal exits 1" -- "$JOURNAL" init "$J" --title "Y"
expect_stderr_match "^journal init: .*already holds a journal" "init on a journal: says it already holds one"
expect_unchanged "$TEST_TMP/.before" "$J" "init on a journal: nothing changed"
expect_exit 1 "init (no DIR) inside the journal exits 1" -- in_dir "$J" "$JOURNAL" init --title Z
expect_unchanged "$TEST_TMP/.before" "$J" "init inside the journal: nothing changed"
check_eq "still one commit" "1" "$(commit_count "$J")"

P=$TEST_TMP/project
mkdir -p "$P"
tgit -C "$P" init -q
echo "code" >"$P/main.c"
tgit -C "$P" add main.c
tgit -C "$P" commit -q -m "Some project"
snapshot "$P" >"$TEST_TMP/.before"
expect_exit 1 "init in a git repository with history exits 1" -- "$JOURNAL" init "$P"
expect_stderr_match "git repository with history" "init in a project: says why"
expect_unchanged "$TEST_TMP/.before" "$P" "init in a project: nothing changed"

# a DIR that is a regular file is refused with exit 1 and a
# message saying it is not a folder.
echo "just a file" >"$TEST_TMP/afile"
expect_exit 1 "init on an existing regular file exits 1" -- "$JOURNAL" init "$TEST_TMP/afile"
expect_stderr_match "^journal init: .*afile.*(not a (folder|directory)|is a file)" \
    "init on a file: says it is not a folder"
check_eq "init on a file: the file is untouched" "just a file" "$(cat "$TEST_TMP/afile")"

# ---- other ways to name the folder ----

mkdir -p "$TEST_TMP/cwd_journal"
expect_exit 0 "init with no DIR uses the current folder (exit 0)" -- \
    in_dir "$TEST_TMP/cwd_journal" "$JOURNAL" init
check "init with no DIR: journal.yaml in the current folder" -- test -f "$TEST_TMP/cwd_journal/journal.yaml"
check "init with no DIR: default title" -- grep -q 'Untitled Journal' "$TEST_TMP/cwd_journal/journal.yaml"

expect_exit 0 "-C DIR init --json exits 0" -- "$JOURNAL" -C "$TEST_TMP/c_journal" --json init --title "C"
check "init --json gives path, title and commit = HEAD" -- python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["title"] == "C" and d["commit"] == sys.argv[2] and d["path"].endswith("c_journal"), d
' "$OUT" "$(git -C "$TEST_TMP/c_journal" rev-parse HEAD 2>&1)"

expect_exit 0 "init creates missing parent folders" -- "$JOURNAL" init "$TEST_TMP/a/b/c" --title "Deep"
check "init a/b/c: journal.yaml there" -- test -f "$TEST_TMP/a/b/c/journal.yaml"

# A title that needs quoting in YAML survives the round trip.
T='Journal: "Quotes" & <Tags> # not a comment'
expect_exit 0 "init with a title full of YAML and HTML specials exits 0" -- \
    "$JOURNAL" init "$TEST_TMP/tricky" --title "$T"
expect_exit 0 "the tricky journal's journal.yaml loads (list exits 0)" -- \
    "$JOURNAL" -C "$TEST_TMP/tricky" list
if python3 -c 'import yaml' 2>/dev/null; then
    check "journal.yaml round-trips the tricky title (read back by PyYAML)" -- python3 -c '
import sys, yaml
assert yaml.safe_load(open(sys.argv[1]))["title"] == sys.argv[2]
' "$TEST_TMP/tricky/journal.yaml" "$T"
fi
expect_exit 0 "build-site --draft on the tricky journal exits 0" -- "$JOURNAL" -C "$TEST_TMP/tricky" build-site --draft
check "the tricky title is escaped on the home page" -- \
    grep -qF 'Journal: &quot;Quotes&quot; &amp; &lt;Tags&gt; # not a comment' "$TEST_TMP/tricky/_site/index.html"

# ---- init --base-url: the site's address from the start ----

expect_exit 0 "init --base-url exits 0" -- \
    "$JOURNAL" init "$TEST_TMP/real" --title "Real" --base-url https://journal.university.edu
check "journal.yaml has the base_url given" -- \
    grep -qE '^base_url: "?https://journal.university.edu"?$' "$TEST_TMP/real/journal.yaml"
expect_stdout_no_match "placeholder" "... and init says nothing of a placeholder"
expect_exit 0 "build-site on it needs no --draft" -- "$JOURNAL" -C "$TEST_TMP/real" build-site
check_eq "... and warns of nothing" "" "$(cat "$ERR")"
check "... its links are at base_url" -- \
    grep -q 'href="https://journal.university.edu/index.html"' "$TEST_TMP/real/_site/index.html"
expect_exit 0 "doctor finds nothing wrong with it" -- "$JOURNAL" -C "$TEST_TMP/real" doctor
expect_exit 2 "init --base-url that is not http(s) exits 2" -- \
    "$JOURNAL" init "$TEST_TMP/ftp" --base-url ftp://journal.university.edu/
expect_stderr_match "--base-url must start with https:// or http://" "... saying what it must be"
check "... and makes nothing" -- test ! -e "$TEST_TMP/ftp"

# ---- the new journal takes submissions ----

cat >"$TEST_TMP/first.md" <<'EOF'
---
title: First paper
abstract: A first abstract.
authors:
  - name: First Author
    affiliations:
      - name: First University
        country: AM
---

Hello.
EOF
expect_exit 0 "submit to the new journal exits 0" -- in_dir "$TEST_TMP" "$JOURNAL" -C "$J" submit first.md
check_eq "the first submission to a new journal gets number 1" "1" "$(cat "$OUT")"
check_eq "two commits now" "2" "$(commit_count "$J")"

finish
