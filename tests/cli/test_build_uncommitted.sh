#!/usr/bin/env bash
# build-site builds HEAD and warns about every uncommitted change of the journal's files
# (journal.yaml, reviewers.yaml, submissions/, issues/, themes/): edited, staged, deleted,
# new, whatever git shows, and nothing that git does not (ignored files, empty folders, a
# file touched but not changed). A file whose stat data git's index cannot vouch for is
# compared by content, and what was learnt is written back into the index as `git status`
# does, so that the next build need not read it again.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
F=submissions/1/manuscript.md

# warned: the warning's text, or "none".
warned() {
    local w
    w=$(sed -n 's/^journal build-site: warning: \(.* uncommitted changes ([^)]*)\).*/\1/p' "$ERR")
    echo "${w:-none}"
}
build() { expect_exit 0 "$1" -- "$JOURNAL" build-site; }
clean_again() {
    tgit reset -q --hard
    tgit clean -qfd submissions issues themes
}

build "a build of a clean journal exits 0"
check_eq "a clean journal: no warning" "none" "$(warned)"

# ---- every kind of change is told ----

printf '\nAn uncommitted sentence.\n' >>"$F"
build "an edited manuscript: exits 0"
check_eq "an edited manuscript is told" \
    "1 file of the journal has uncommitted changes ($F)" "$(warned)"
tgit add "$F"
build "a staged manuscript: exits 0"
check_eq "a staged edit is told" "1 file of the journal has uncommitted changes ($F)" "$(warned)"
clean_again

tgit rm -q --cached "$F"
build "a manuscript taken out of git's index: exits 0"
check_eq "a file git's index no longer has is told" \
    "1 file of the journal has uncommitted changes ($F)" "$(warned)"
clean_again

# Committed out of git but left in the folder: its folder did not change, git's index did.
echo "notes" >submissions/5/notes.md
tgit add submissions/5/notes.md && tgit commit -q -m "Notes"
build "a build that records the folders exits 0"
tgit rm -q --cached submissions/5/notes.md
tgit commit -q -m "Untrack the notes"
build "notes no longer tracked: exits 0"
check_eq "a file left behind by a commit is told" \
    "1 file of the journal has uncommitted changes (submissions/5/notes.md)" "$(warned)"
tgit reset -q --hard HEAD~2
clean_again

rm submissions/2/submission.yaml
build "a deleted record: exits 0"
check_eq "a deleted file is told" \
    "1 file of the journal has uncommitted changes (submissions/2/submission.yaml)" "$(warned)"
clean_again

echo "notes" >submissions/3/notes.md
mkdir -p issues/drafts/deep && echo "draft" >issues/drafts/deep/9.yaml
build "new files: exits 0"
check_eq "new files, in a known folder and in new folders, are told" \
    "2 files of the journal have uncommitted changes (issues/drafts/deep/9.yaml, ...)" "$(warned)"
clean_again

echo '# an uncommitted comment' >>journal.yaml
echo "x" >themes/default/assets/extra.css
build "journal.yaml and the theme edited: exits 0"
check_eq "journal.yaml and a new theme file are told" \
    "2 files of the journal have uncommitted changes (journal.yaml, ...)" "$(warned)"
clean_again

chmod +x "$F"
build "a manuscript made executable: exits 0"
check_eq "a mode change is told" "1 file of the journal has uncommitted changes ($F)" "$(warned)"
clean_again

# ---- and nothing else ----

mkdir -p submissions/4/empty/deeper issues/empty
printf '*.swp\n' >.gitignore.new && cat .gitignore >>.gitignore.new && mv .gitignore.new .gitignore
tgit commit -q -am "Ignore swap files"
echo "swap" >submissions/4/manuscript.md.swp
echo "outside" >pages/draft.md
build "empty folders, an ignored file and a file outside the journal's: exits 0"
check_eq "empty folders, ignored files and pages/ are not told" "none" "$(warned)"
rm -rf submissions/4/empty issues/empty submissions/4/manuscript.md.swp pages/draft.md

# The same content with new stat data (a copy put back, a checkout, a hard link): not told.
cp -p "$F" "$TEST_TMP/m.md" && rm "$F" && cp "$TEST_TMP/m.md" "$F"
touch -d "1 hour ago" "$F"
build "a manuscript rewritten with the same text: exits 0"
check_eq "the same text is not a change" "none" "$(warned)"

# What the build learnt is in git's index once the file is old enough to trust its stat data.
sleep 3
build "a second build: exits 0"
check_eq "still no warning" "none" "$(warned)"
check_eq "git's index has the file's stat data now" "$(stat -c %Y "$F")" \
    "$(tgit ls-files --debug "$F" | sed -n 's/^  mtime: \([0-9]*\):.*/\1/p')"
check_eq "git agrees nothing changed" "" "$(git status --porcelain)"

# ---- git's index busy or gone ----

touch -d "2 hours ago" "$F"
(
    exec 9>.journal/lock
    flock 9
    build "a build while another command holds the journal's lock: exits 0"
    check_eq "no warning under the lock" "none" "$(warned)"
)
printf '\nAnother uncommitted sentence.\n' >>"$F"
rm .git/index
build "a build without git's index: exits 0"
expect_stderr_match "warning: [0-9]+ files of the journal have uncommitted changes" \
    "without git's index, every file is told"
tgit reset -q
clean_again
build "a build after git's index is back: exits 0"
check_eq "back to no warning" "none" "$(warned)"

finish
