#!/usr/bin/env bash
# The hostile corpus (tests/xss/*.md) taken through the whole workflow and built
# into two sites, for tests/browser/xss.test.mjs and tests/cli/test_xss_escaping.sh.
#
#     bash tests/xss/build-sites.sh JOURNAL_BINARY WORKDIR
#
# WORKDIR/journal: the sample journal (from SOURCE_DIR, default the source tree)
# with review_mode: open, the page tests/xss/page.md, and the manuscripts
# front-matter.md, body.md and template.md submitted, reviewed (signed, with the
# hostile review.md as comments), accepted and published in issue 3, whose
# title, special edition and guest editor are hostile too.
# WORKDIR/site-safe: build-site with allow_raw_html: false (the default);
# WORKDIR/site-raw: build-site with allow_raw_html: true.
# WORKDIR/numbers: the three submission numbers. Exits 1 with a message on the
# first step that fails (a sanitizer report counts as a failure).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${SOURCE_DIR:-$(cd "$here/../.." && pwd)}
if [ $# -ne 2 ]; then
    echo "usage: bash tests/xss/build-sites.sh JOURNAL_BINARY WORKDIR" >&2
    exit 2
fi
journal=$(realpath "$1")
work=$(realpath -m "$2")
J=$work/journal
mkdir -p "$work"

export JOURNAL_TODAY=${JOURNAL_TODAY:-2026-01-15}
export GIT_AUTHOR_NAME="Test Editor" GIT_AUTHOR_EMAIL=editor@example.org
export GIT_COMMITTER_NAME="Test Editor" GIT_COMMITTER_EMAIL=editor@example.org
export GIT_CONFIG_NOSYSTEM=1 LC_ALL=C.UTF-8
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:abort_on_error=0
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:print_stacktrace=1

tgit() {
    git -c user.name=t -c user.email=t@example.org -c init.defaultBranch=main \
        -c core.autocrlf=false -c commit.gpgsign=false "$@"
}

# run DESC CMD...: CMD's stdout on ours; its stderr is shown and fails the build
# when CMD fails or a sanitizer reported something.
run() {
    local desc=$1 err=$work/.stderr
    shift
    if ! "$@" 2>"$err" || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$err"; then
        echo "build-sites.sh: $desc failed: $*" >&2
        cat "$err" >&2
        exit 1
    fi
}

rm -rf "$J" "$work/site-safe" "$work/site-raw"
mkdir -p "$J"
cp -R "$src/journal.yaml" "$src/reviewers.yaml" "$src/submissions" "$src/issues" "$src/pages" \
    "$src/themes" "$J/"
cp "$here/page.md" "$J/pages/hostile.md"
printf '/.journal/\n/_site/\n' >"$J/.gitignore"
sed -i 's/^review_mode:.*/review_mode: open/' "$J/journal.yaml"
grep -q '^review_mode: open$' "$J/journal.yaml" || echo 'review_mode: open' >>"$J/journal.yaml"
tgit -C "$J" init -q
tgit -C "$J" add -A
tgit -C "$J" commit -q -m "Sample journal with a hostile page, open review"

: >"$work/numbers"
# An attachment with a hostile name, published as supplementary material of the first.
SUPPLEMENT="data \"><img src=x onerror=alert('supp')> & {{site.title}}.csv"
printf 'year,n\n2025,1\n' >"$work/$SUPPLEMENT"
for name in front-matter body template; do
    files=()
    [ "$name" = front-matter ] && files=(--file "$SUPPLEMENT")
    run "submit $name.md" sh -c 'cd "$1" && shift && exec "$@"' sh "$work" \
        "$journal" -C "$J" submit "$here/$name.md" "${files[@]}" >"$work/.out"
    n=$(tail -1 "$work/.out")
    [[ $n =~ ^[0-9]+$ ]] || { echo "build-sites.sh: submit $name.md printed '$n'" >&2; exit 1; }
    echo "$n" >>"$work/numbers"
    # The first reviewer the rules allow (languages, capacity, conflicts).
    who=
    for r in $(sed -n 's/^  - id: //p' "$J/reviewers.yaml"); do
        if "$journal" -C "$J" assign "$n" --reviewer "$r" >/dev/null 2>&1; then
            who=$r
            break
        fi
    done
    [ -n "$who" ] || { echo "build-sites.sh: no reviewer could be assigned to $n" >&2; exit 1; }
    run "review $n" "$journal" -C "$J" review "$n" --verdict accept --comments "$here/review.md" \
        --sign --as "$who" >/dev/null
    run "decide $n" "$journal" -C "$J" decide "$n" accept >/dev/null
done
run "build-issue" "$journal" -C "$J" build-issue 3 \
    --title "Issue <script>alert('issue')</script> {{site.title}} \"><img src=x onerror=alert('issue-img')>" \
    --special "Special \"><img src=x onerror=alert('special')>" \
    --guest-editor "Guest <svg onload=alert('guest')>, Inst </script><script>alert('guest-inst')</script>" \
    --supplementary "$(head -1 "$work/numbers"):$SUPPLEMENT" >/dev/null
run "build-site (allow_raw_html: false)" "$journal" -C "$J" build-site --draft -o "$work/site-safe" >/dev/null

sed -i 's/^allow_raw_html:.*/allow_raw_html: true/' "$J/journal.yaml"
grep -q '^allow_raw_html: true$' "$J/journal.yaml" || echo 'allow_raw_html: true' >>"$J/journal.yaml"
tgit -C "$J" commit -q -am "allow_raw_html: true"
run "build-site (allow_raw_html: true)" "$journal" -C "$J" build-site --draft -o "$work/site-raw" >/dev/null
