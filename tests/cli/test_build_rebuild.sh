#!/usr/bin/env bash
# What makes a rebuild quick must not make it wrong: the issue manifests and article
# locations the cache keeps (by git id) give the site a full build gives; the folders'
# stat data that vouch for a kept part's files still let a build notice a file deleted,
# replaced or planted by hand; and an incremental build, which does not walk the whole output
# folder, still refuses a link on the way to a file it writes or removes.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1
S=$J/_site
OUTSIDE=$TEST_TMP/outside
mkdir -p "$OUTSIDE"

field() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$OUT" "$1" \
        2>/dev/null || echo "no $1 in: $(cat "$OUT")"
}
build() { expect_exit 0 "$1" -- "$JOURNAL" build-site --json; }
same_as_full() {
    rm -rf "$TEST_TMP/full"
    if "$JOURNAL" build-site -o "$TEST_TMP/full" >/dev/null 2>&1; then
        check "$1" -- diff -r "$S" "$TEST_TMP/full"
    else
        fail "$1" "the full build failed"
    fi
}
db() { python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' .journal/index.db "$1"; }

build "the first build exits 0"
build "a second build exits 0"
check_eq "nothing changed: nothing rendered" "0" "$(field rendered)"

# ---- the cached manifests follow the issues ----

sed -i 's/^  en: "Merit, Performance and Integrity in the Civil Service"$/  en: "An Issue Retitled for the Rebuild Test"/' issues/1.yaml
tgit commit -q -am "Retitle issue 1"
build "the build after retitling issue 1 exits 0"
check "the issue page has the new title" -- grep -q "An Issue Retitled for the Rebuild Test" "$S/issues/1/index.html"
same_as_full "after an issue edit the site is what a full build makes"
tgit reset -q --hard HEAD~1
build "the build with the old title back exits 0"
check "the old title is back" -- bash -c "! grep -q 'Retitled for the Rebuild Test' '$S/issues/1/index.html'"
same_as_full "back to the old manifest (cached from the first build), the site is a full build's"

# A damaged cache is a missing one.
db "UPDATE site_issues SET manifest = x'3120'"
db "UPDATE site_locations SET ids = x'00'"
expect_exit 0 "build-site --force with damaged cached manifests and locations exits 0" -- \
    "$JOURNAL" build-site --force --json
same_as_full "damaged cache rows: the site is a full build's"

# ---- the output folder is checked, not trusted ----

rm "$S/articles/2/citation.bib"
build "a build right after deleting a download by hand exits 0"
check "the deleted download is made again" -- test -s "$S/articles/2/citation.bib"
check_eq "only that article is rendered" "1" "$(field rendered)"

# A file changed by hand within the tick of the last build's record: its folder is recorded
# only when older than the record's stamp, so the change is seen.
build "a build exits 0"
rm "$S/articles/3/index.html"
build "an immediate build after deleting a page exits 0"
check "the page deleted right after a build is made again" -- test -s "$S/articles/3/index.html"
same_as_full "after the files made again the site is a full build's"

# ---- links on the way of an incremental build ----

mv "$S/articles/3" "$OUTSIDE/3"
ln -s "$OUTSIDE/3" "$S/articles/3"
before=$(cd "$S" && find . -printf '%y %P %i\n' | LC_ALL=C sort)
outside_before=$(ls -li "$OUTSIDE/3")
printf '\nA sentence that must not go through the link.\n' >>submissions/3/manuscript.md
tgit commit -q -am "Edit article 3"
expect_exit 1 "an incremental build through a planted link is refused" -- "$JOURNAL" build-site
expect_stderr_match "-o .*/_site: articles/3 in it is a symbolic link" "the message names the link"
check_eq "nothing was written through the link" "$outside_before" "$(ls -li "$OUTSIDE/3")"
check_eq "the refused build left the site as it was" "$before" \
    "$(cd "$S" && find . -printf '%y %P %i\n' | LC_ALL=C sort)"
rm "$S/articles/3" && mv "$OUTSIDE/3" "$S/articles/3"
build "the build with the link gone exits 0"
check "article 3 has the edit" -- grep -q "must not go through the link" "$S/articles/3/index.html"

echo SECRET >"$OUTSIDE/secret.txt"
rm "$S/articles/4/citation.ris" && ln -s "$OUTSIDE/secret.txt" "$S/articles/4/citation.ris"
expect_exit 1 "a download replaced by a link is refused" -- "$JOURNAL" build-site
expect_stderr_match "articles/4/citation\.ris in it is a symbolic link" "the message names that link"
check_eq "the file outside is untouched" "SECRET" "$(cat "$OUTSIDE/secret.txt")"
rm "$S/articles/4/citation.ris"
expect_exit 0 "build-site --force after the links are gone exits 0" -- "$JOURNAL" build-site --force
same_as_full "in the end the site is a full build's"

finish
