#!/usr/bin/env bash
# Paths (issue 7): nothing read from the command line or from the committed tree can
# make journal read or write outside the repository or the output folder.
# Submission and issue numbers are digits only; symbolic links committed into the
# journal (git mode 120000) are refused with the file and why, never followed, never
# copied into the site; tree entries named '..' or holding '/' (a crafted commit) are
# refused; attachments, the theme's name and the output folder stay inside; a link in
# the work tree is never written through. Every refusal leaves the repository (and
# the site) as it was.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/j
W=$TEST_TMP/work
OUTSIDE=$TEST_TMP/outside
sample_journal "$J" || finish
mkdir -p "$W" "$OUTSIDE"
echo "OUTSIDE-SECRET" >"$OUTSIDE/secret.txt"
cd "$W" || finish
"$JOURNAL" -C "$J" list >/dev/null 2>&1
expect_exit 0 "a first site" -- "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site"
before=$TEST_TMP/.before
site_before=$TEST_TMP/.site-before
snapshot "$J" >"$before"
snapshot "$TEST_TMP/site" >"$site_before" 2>/dev/null

# back_as_before DESC: HEAD, status and work tree as at the start (the test's own commits,
# since undone, leave objects and reflogs in .git: those do not count).
state() {
    (cd "$1" && git rev-parse HEAD && git status --porcelain --ignored &&
        find . \( -path ./.git -o -path ./.journal \) -prune -o -printf '%y %m %P -> %l\n' | LC_ALL=C sort &&
        find . \( -path ./.git -o -path ./.journal \) -prune -o -type f -print0 | LC_ALL=C sort -z |
        xargs -0 -r sha256sum)
}
state "$J" >"$TEST_TMP/.state-before"
back_as_before() {
    state "$J" >"$TEST_TMP/.state-after"
    if cmp -s "$TEST_TMP/.state-before" "$TEST_TMP/.state-after"; then
        pass "$1"
    else
        fail "$1" "$(diff "$TEST_TMP/.state-before" "$TEST_TMP/.state-after" | head -10)"
    fi
}

# site_unchanged DESC: the site folder is as the first build left it.
site_unchanged() {
    local after=$TEST_TMP/.site-after
    snapshot "$TEST_TMP/site" >"$after" 2>/dev/null
    if cmp -s "$site_before" "$after"; then
        pass "$1"
    else
        fail "$1" "$(diff "$site_before" "$after" | head -10)"
    fi
}

# ---- numbers from the command line ----

# refuse_number DESC ARGS...: a usage error (exit 2) naming the argument; nothing changed.
refuse_number() {
    local desc=$1
    shift
    expect_exit 2 "$desc" -- "$JOURNAL" -C "$J" "$@"
    expect_stderr_match "is not a(n issue| submission| round) number" "$desc: the message says what was expected"
}
refuse_number "show ../x" show ../x
refuse_number "show 3/../4" show 3/../4
refuse_number "show with a leading zero" show 007
refuse_number "show 0" show 0
refuse_number "show +3" show +3
refuse_number "decide ../3" decide ../3 accept
refuse_number "review 10/.." review 10/.. --verdict accept --comments /dev/null --as asel-bekova
refuse_number "packet with a space" packet " 10" --reviewer asel-bekova
refuse_number "show with a huge number" show 99999999999999999999999
expect_stderr_match "up to 999999999" "the huge number is refused as too long, not wrapped around"
refuse_number "show a ten-digit number" show 1234567890
refuse_number "build-issue a ten-digit issue (its file would be ignored)" build-issue 1234567890 --dry-run
refuse_number "deposit a huge issue" deposit 99999999999999999999 --dry-run
refuse_number "export doaj ../1" export doaj ../1
refuse_number "diff with a huge round" diff 3 99999999999999999999
expect_exit 2 "assign -1 is not a submission" -- "$JOURNAL" -C "$J" assign -1 --reviewer asel-bekova
expect_exit 1 "show 999999999 (nine digits: a number, but no such submission)" -- \
    "$JOURNAL" -C "$J" show 999999999
expect_stderr_match "there is no submission 999999999" "the message names the number"
expect_unchanged "$before" "$J" "refused numbers changed nothing"

# ---- attachments ----

mkdir -p sub
cp "$J/submissions/11/manuscript.md" paper.md
echo data >sub/data.csv
ln -s "$OUTSIDE/secret.txt" link.csv
ln -s "$OUTSIDE" sublink
for f in ../outside/secret.txt "$OUTSIDE/secret.txt" link.csv sublink/secret.txt sub/../sub/data.csv .git/config; do
    expect_exit 1 "submit --file $f is refused" -- "$JOURNAL" -C "$J" submit paper.md --file "$f"
    expect_stderr_match "--file $f: " "submit --file $f: the message names the file"
done
expect_unchanged "$before" "$J" "refused attachments changed nothing"

# ---- the theme's name and the output folder ----

cp "$J/journal.yaml" "$W/journal.yaml.orig"
for theme in ../../etc ../default /etc .hidden; do
    sed -i "s|^theme: .*|theme: \"$theme\"|" "$J/journal.yaml"
    tgit -C "$J" commit -qam "theme $theme"
    expect_exit 1 "theme: $theme is refused" -- "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site"
    expect_stderr_match "journal\.yaml:[0-9]+:[0-9]+: theme must be a folder name in themes/" \
        "theme: $theme: journal.yaml, line and what is expected"
    tgit -C "$J" reset -q --hard HEAD~1
done
site_unchanged "refused themes left the site unchanged"
for out in "$J" "$J/submissions" "$J/.git/x" "$J/.journal/site" "$TEST_TMP/site/../site" "$OUTSIDE"; do
    expect_exit 1 "build-site -o $out is refused" -- "$JOURNAL" -C "$J" build-site -o "$out"
    expect_stderr_match "^journal build-site: -o " "-o $out: the message names the folder"
done
# A link planted in the site: the build would rename and remove files through it.
cp -R "$TEST_TMP/site" "$TEST_TMP/site2"
mv "$TEST_TMP/site2/articles/3" "$OUTSIDE/3"
ln -s "$OUTSIDE/3" "$TEST_TMP/site2/articles/3"
rm "$OUTSIDE/3/index.html"
expect_exit 1 "build-site into a site holding a link to a folder outside is refused" -- \
    "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site2"
expect_stderr_match "-o .*/site2: articles/3 in it is a symbolic link" "the message names the link"
check "nothing was written through the link" -- test ! -e "$OUTSIDE/3/index.html"
rm -rf "$TEST_TMP/site2/articles/3" "$OUTSIDE/3"
ln -sf "$OUTSIDE/secret.txt" "$TEST_TMP/site2/robots.txt"
expect_exit 1 "build-site into a site holding a link to a file outside is refused" -- \
    "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site2" --force
expect_stderr_match "robots\.txt in it is a symbolic link" "the message names that link"
check_eq "the file outside is untouched" OUTSIDE-SECRET "$(cat "$OUTSIDE/secret.txt")"
rm -rf "$TEST_TMP/site2"
check_eq "the folder outside holds only its file" "secret.txt" "$(ls "$OUTSIDE")"
back_as_before "refused output folders changed nothing, and the themes' commits are undone"

# ---- symbolic links committed into the journal ----

# committed_link DESC PATH TARGET PATTERN: commit PATH as a link to TARGET; build-site
# and (for a submission) show must refuse it naming PATH; then the commit is undone.
committed_link() {
    local desc=$1 path=$2 target=$3 pattern=$4
    rm -rf "${J:?}/$path"
    mkdir -p "$(dirname "$J/$path")"
    ln -s "$target" "$J/$path"
    tgit -C "$J" add -A && tgit -C "$J" commit -qm "link $path"
    check_eq "$desc: committed as git mode 120000" 120000 \
        "$(git -C "$J" ls-tree HEAD "$path" | cut -d' ' -f1)"
    local mid=$TEST_TMP/.mid
    snapshot "$J" >"$mid"
    expect_exit 1 "$desc: build-site refuses it" -- "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site"
    expect_stderr_match "$pattern" "$desc: the message names the file and says it is a link"
    site_unchanged "$desc: the site is unchanged"
    if grep -rqs OUTSIDE-SECRET "$TEST_TMP/site"; then
        fail "$desc: the link's target is not in the site"
    else
        pass "$desc: the link's target is not in the site"
    fi
    expect_unchanged "$mid" "$J" "$desc: the repository is unchanged"
}
undo() { tgit -C "$J" reset -q --hard HEAD~1; }

committed_link "a published manuscript that is a link" submissions/3/manuscript.md \
    "$OUTSIDE/secret.txt" "submissions/3/manuscript\.md: a symbolic link is committed here \(git mode 120000\)"
expect_exit 1 "show 3 refuses the linked manuscript" -- "$JOURNAL" -C "$J" show 3
expect_stderr_match "submissions/3/manuscript\.md: a symbolic link" "show names the link"
expect_exit 1 "export doaj 1 refuses it too" -- "$JOURNAL" -C "$J" export doaj 1
undo
committed_link "a published record that is a link" submissions/3/submission.yaml \
    ../10/submission.yaml "submissions/3/submission\.yaml: a symbolic link"
undo
committed_link "a submission folder that is a link" submissions/12 "$OUTSIDE" \
    "submissions/12: a symbolic link"
undo
committed_link "an attachment of a published article that is a link" \
    submissions/3/files "$OUTSIDE" "submissions/3/files: a symbolic link"
expect_exit 1 "show 3 refuses the linked attachment folder" -- "$JOURNAL" -C "$J" show 3
expect_stderr_match "submissions/3/files: a symbolic link" "show names it"
undo
committed_link "an attachment that is a link" submissions/3/files/data.csv "$OUTSIDE/secret.txt" \
    "submissions/3/files/data\.csv: a symbolic link"
expect_exit 1 "show 3 refuses the linked attachment" -- "$JOURNAL" -C "$J" show 3
expect_stderr_match "submissions/3/files/data\.csv: a symbolic link" "show names it"
undo
committed_link "an issue manifest that is a link" issues/3.yaml 1.yaml "issues/3\.yaml: a symbolic link"
undo
committed_link "a page that is a link" pages/evil.md "$OUTSIDE/secret.txt" "pages/evil\.md: a symbolic link"
undo
committed_link "a theme asset that is a link" themes/default/assets/evil.css "$OUTSIDE/secret.txt" \
    "themes/default/assets/evil\.css: a symbolic link"
undo
committed_link "a theme folder that is a link" themes/default/assets/more "$OUTSIDE" \
    "themes/default/assets/more: a symbolic link"
undo
committed_link "a template that is a link" themes/default/templates/evil.mustache \
    "$OUTSIDE/secret.txt" "themes/default/templates/evil\.mustache: a symbolic link"
undo
# A signed review is read only under open review.
sed -i 's/^review_mode: .*/review_mode: open/' "$J/journal.yaml"
tgit -C "$J" commit -qam "open review"
committed_link "a review that is a link (open review)" submissions/3/reviews/round-1/x.yaml \
    "$OUTSIDE/secret.txt" "submissions/3/reviews/round-1/x\.yaml: a symbolic link"
undo
undo
back_as_before "the journal is back as it was"
expect_exit 0 "and builds again" -- "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site"

# ---- crafted trees: entries named '..' or holding '/' ----

# crafted DESC FOLDER NAME MODE PATTERN: replace FOLDER's tree at HEAD by one with an extra
# entry NAME (a file, or with MODE 40000 a folder holding pwned.txt), written raw so that git
# cannot refuse the name; build-site must refuse it and write nothing anywhere.
crafted() {
    local desc=$1 folder=$2 name=$3 mode=$4 pattern=$5
    local commit
    commit=$(/usr/bin/python3 - "$J" "$folder" "$name" "$mode" <<'PY'
import subprocess, sys
repo, folder, name, mode = sys.argv[1:]
def git(*args, input=None):
    return subprocess.run(["git", "-C", repo] + list(args), input=input, check=True,
                          capture_output=True).stdout
blob = git("hash-object", "-w", "--stdin", input=b"PWNED\n").strip().decode()
def raw_tree(entries):  # [(mode, name, hex)]
    data = b"".join(m.encode() + b" " + n.encode() + b"\0" + bytes.fromhex(h) for m, n, h in entries)
    return git("hash-object", "-t", "tree", "-w", "--literally", "--stdin", input=data).strip().decode()
def ls(tree):
    out = []
    for line in git("ls-tree", tree).decode().splitlines():
        meta, n = line.split("\t", 1)
        m, _, h = meta.split()
        out.append((m, n, h))
    return out
inner = blob if mode == "100644" else raw_tree([("100644", "pwned.txt", blob)])
# Rebuild the path from the folder up to the root.
parts = folder.split("/")
trees = ["HEAD^{tree}"]
for i in range(len(parts)):
    trees.append(git("rev-parse", "HEAD:" + "/".join(parts[:i + 1])).strip().decode())
new = raw_tree(ls(trees[-1]) + [(mode, name, inner)])
for i in range(len(parts) - 1, -1, -1):
    parent = ls(trees[i])
    new = raw_tree([(m, n, new if n == parts[i] else h) for m, n, h in parent])
print(git("commit-tree", new, "-p", "HEAD", "-m", "crafted").strip().decode())
PY
    ) || {
        fail "$desc: craft the tree"
        return
    }
    local old
    old=$(git -C "$J" rev-parse HEAD)
    git -C "$J" update-ref HEAD "$commit"
    expect_exit 1 "$desc: build-site refuses it" -- "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site"
    expect_stderr_match "$pattern" "$desc: the message names the entry and what was expected"
    site_unchanged "$desc: the site is unchanged"
    local pwned
    pwned=$(find "$TEST_TMP" -name pwned.txt -o -name '*PWNED*' | head -3)
    check_eq "$desc: nothing written under its name anywhere" "" "$pwned"
    git -C "$J" update-ref HEAD "$old"
}
crafted "a theme asset folder named '..'" themes/default/assets .. 40000 \
    "themes/default/assets/\.\.: git's tree holds an entry named '\.\.'"
crafted "a theme asset named 'x/../../pwned.txt'" themes/default/assets "x/../../pwned.txt" 100644 \
    "entry named 'x/\.\./\.\./pwned\.txt'; expected a file or folder name without '/'"
crafted "a published article's folder holding '..'" submissions/3 .. 40000 \
    "submissions/3/\.\.: git's tree holds an entry named '\.\.'"
crafted "submissions/ holding an entry with '/'" submissions "12/../../x" 40000 \
    "submissions/12/\.\./\.\./x: git's tree holds an entry named"
crafted "pages/ holding '..'" pages .. 40000 "pages/\.\.: git's tree holds an entry named '\.\.'"
back_as_before "the journal is back as it was"

# ---- a reviewer id from a hand-edited record becomes a path ----

expect_exit 0 "assign asel-bekova to 10" -- "$JOURNAL" -C "$J" assign 10 --reviewer asel-bekova
sed -i 's|reviewer: asel-bekova|reviewer: ../../../../../pwned|' "$J/submissions/10/submission.yaml"
tgit -C "$J" commit -qam "a record edited by hand"
echo "Fine." >c.md
mid=$TEST_TMP/.mid
snapshot "$J" >"$mid"
expect_exit 1 "a review whose path would leave the journal is refused" -- \
    "$JOURNAL" -C "$J" review 10 --as ../../../../../pwned --verdict accept --comments c.md
expect_stderr_match "submissions/10/reviews/round-1/\.\./\.\./\.\./\.\./\.\./pwned\.yaml: the path would leave" \
    "the message names the path and why"
check_eq "nothing was written outside the journal" "" "$(find "$TEST_TMP" -name 'pwned*' | head -3)"
expect_unchanged "$mid" "$J" "the refused review changed nothing"
tgit -C "$J" reset -q --hard HEAD~2
back_as_before "the journal is back as it was"

# ---- a link in the work tree is never written through ----

rm -rf "$J/submissions/10"
ln -s "$OUTSIDE" "$J/submissions/10"
head=$(git -C "$J" rev-parse HEAD)
expect_exit 1 "assign to a submission whose folder in the work tree is a link is refused" -- \
    "$JOURNAL" -C "$J" assign 10 --reviewer asel-bekova
expect_stderr_match "submissions/10: a symbolic link in the work tree" "the message names the link"
check_eq "no commit was made" "$head" "$(git -C "$J" rev-parse HEAD)"
check_eq "nothing was written through the link" "secret.txt" "$(ls "$OUTSIDE")"
rm "$J/submissions/10"
tgit -C "$J" checkout -q -- submissions/10
back_as_before "the journal is back as it was"

finish
