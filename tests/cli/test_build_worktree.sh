#!/usr/bin/env bash
# build-site reads a committed manuscript from the working tree only when git's
# index proves the file there is the committed blob (store/worktree.c); in every
# other case it reads the blob, so the site is always made from the commit.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site
F=submissions/1/manuscript.md

# from_worktree: the number the last --verbose build gave.
from_worktree() {
    sed -n 's/.*(\([0-9]*\) manuscripts read from the working tree).*/\1/p' "$ERR"
}
build() { expect_exit 0 "$1" -- "$JOURNAL" build-site --force --verbose; }

build "a full build exits 0"
check_eq "a clean checkout: all 9 manuscripts come from the working tree" "9" "$(from_worktree)"
cp -r "$S" "$TEST_TMP/committed"
title=$(sed -n 's/^title: "\(.*\)"$/\1/p' "$F")
check "article 1 has a title to look for" -- test -n "$title"

# The same file, size and mtime, other content: the change time still tells.
cp -p "$F" "$TEST_TMP/orig.md"
inode_before=$(stat -c %i "$F")
python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(f.read().index(b"title: ") + 8); f.write(b"X")' "$F"
touch -r "$TEST_TMP/orig.md" "$F"
check_eq "the edit keeps the inode, size and mtime" \
    "$inode_before $(stat -c '%s %Y' "$TEST_TMP/orig.md")" "$(stat -c '%i %s %Y' "$F")"
check "the edit changed the title" -- bash -c "! cmp -s '$TEST_TMP/orig.md' '$F'"
build "a build with an uncommitted same-size edit exits 0"
check_eq "the edited manuscript is read from git" "8" "$(from_worktree)"
check "the site is the committed one" -- diff -r "$TEST_TMP/committed" "$S"
tgit checkout -q -- "$F"

# An ordinary uncommitted edit.
printf '\nAn uncommitted sentence.\n' >>"$F"
build "a build with an uncommitted edit exits 0"
check_eq "the edited manuscript is read from git" "8" "$(from_worktree)"
check "the site is the committed one" -- diff -r "$TEST_TMP/committed" "$S"
tgit checkout -q -- "$F"

# A symbolic link to a file with the committed text is never followed.
mv "$F" "$TEST_TMP/moved.md"
ln -s "$TEST_TMP/moved.md" "$F"
build "a build with the manuscript replaced by a link exits 0"
check_eq "the linked manuscript is read from git" "8" "$(from_worktree)"
check "the site is the committed one" -- diff -r "$TEST_TMP/committed" "$S"
rm "$F"
tgit checkout -q -- "$F"

# Racily clean: git's entry is not older than git's index, so its stat data proves nothing.
touch -d "2099-01-01" "$F"
tgit update-index --refresh >/dev/null
build "a build with a racily clean manuscript exits 0"
check_eq "the racily clean manuscript is read from git" "8" "$(from_worktree)"
check "the site is the committed one" -- diff -r "$TEST_TMP/committed" "$S"
rm "$F"
tgit checkout -q -- "$F"

# A checkout filter: the file holds CRLF line ends, the blob LF ones.
printf 'submissions/1/manuscript.md text eol=crlf\n' >.gitattributes
tgit add .gitattributes
tgit commit -q -m "Check manuscript 1 out with CRLF line ends"
rm "$F"
tgit checkout -q -- "$F"
check "the checked-out manuscript has CRLF line ends" -- grep -q $'\r$' "$F"
check_eq "git sees no change" "" "$(git status --porcelain)"
build "a build with a converted manuscript exits 0"
check_eq "the converted manuscript is read from git" "8" "$(from_worktree)"
check "the site is the committed one" -- diff -r "$TEST_TMP/committed" "$S"

# No git index at all (a build right after it was deleted).
rm .git/index
build "a build without git's index exits 0"
check_eq "every manuscript is read from git" "0" "$(from_worktree)"
check "the site is the committed one" -- diff -r "$TEST_TMP/committed" "$S"
tgit reset -q

finish
