#!/usr/bin/env bash
# Every page of the manual that journal names (in `journal help`, in each command's help, in
# the roster that `journal init` writes and in its error about a missing roster, in the
# sample's reviewers.yaml) exists in the source tree, with the section named after '#'; every
# command's help names a page; and the links between README.md and docs/ lead somewhere. A
# page renamed or a section retitled without its references fails here.
. "$(dirname "$0")/lib.sh"

# slugs FILE: the anchor of each Markdown heading of FILE, as GitHub makes them (lower case,
# punctuation but '-' and '_' dropped, spaces become '-'), one per line.
slugs() {
    sed -n 's/^#\{1,6\} \{1,\}//p' "$1" | tr '[:upper:]' '[:lower:]' |
        sed -e 's/[^a-z0-9 _-]//g' -e 's/ /-/g'
}

# check_reference WHERE REF: REF (docs/PAGE.md or docs/PAGE.md#SECTION, relative to the
# source tree) names a file that exists and, with #SECTION, a heading of it.
check_reference() {
    local where=$1 ref=$2 page section
    page=${ref%%#*}
    section=
    [ "$page" != "$ref" ] && section=${ref#*#}
    if [ ! -f "$SOURCE_DIR/$page" ]; then
        fail "$where names $ref, which exists" "no file $SOURCE_DIR/$page"
        return
    fi
    if [ -n "$section" ] && ! slugs "$SOURCE_DIR/$page" | grep -qxF -- "$section"; then
        fail "$where names $ref, which exists" "no heading of $page makes #$section:" \
            "$(slugs "$SOURCE_DIR/$page")"
        return
    fi
    pass "$where names $ref, which exists"
}

# check_text WHERE FILE: every docs/ reference in FILE exists; FILE must name at least one.
check_text() {
    local where=$1 file=$2 refs ref
    refs=$(grep -oE 'docs/[A-Za-z0-9_./-]+\.md(#[a-z0-9_-]+)?' "$file" | sort -u)
    if [ -z "$refs" ]; then
        fail "$where names a page of docs/" "$(head -c 2000 "$file")"
        return
    fi
    for ref in $refs; do
        check_reference "$where" "$ref"
    done
}

# --- journal help, and each command's help (both ways of asking) ---

expect_exit 0 "journal help exits 0" -- "$JOURNAL" help
cp "$OUT" "$TEST_TMP/overview"
check_text "journal help" "$TEST_TMP/overview"
commands=$(sed -n '/^Commands:/,/^$/s/^  \([a-z-]\{1,\}\) .*/\1/p' "$TEST_TMP/overview")
check "journal help lists the commands" -- test "$(wc -w <<<"$commands")" -ge 20
for c in $commands; do
    "$JOURNAL" help "$c" >"$TEST_TMP/help-$c" 2>&1
    check "journal help $c ends with the page of the manual to read" -- \
        grep -qE '^Manual: docs/[A-Za-z]+\.md' "$TEST_TMP/help-$c"
    check_text "journal help $c" "$TEST_TMP/help-$c"
    "$JOURNAL" "$c" --help >"$TEST_TMP/dashdash-$c" 2>&1
    check "journal $c --help names the same page" -- \
        diff -u "$TEST_TMP/help-$c" "$TEST_TMP/dashdash-$c"
done

# --- the roster: the sample's comment, the one journal init writes, the missing-roster error ---

head -n 1 "$SOURCE_DIR/reviewers.yaml" >"$TEST_TMP/sample-roster-comment"
check_text "the comment at the top of the sample's reviewers.yaml" "$TEST_TMP/sample-roster-comment"

J=$TEST_TMP/new
if new_journal "$J"; then
    grep '^#' "$J/reviewers.yaml" >"$TEST_TMP/init-roster-comment"
    check_text "the comment of the reviewers.yaml that journal init writes" \
        "$TEST_TMP/init-roster-comment"
    tgit -C "$J" rm -q reviewers.yaml && tgit -C "$J" commit -q -m "No roster"
    expect_exit 1 "journal reviewers without a roster is refused" -- "$JOURNAL" -C "$J" reviewers
    check_text "the error about a missing roster" "$ERR"
fi

# --- links between README.md and the pages of docs/ ---

# Each relative Markdown link [text](target) of README.md and docs/*.md: the file it names
# exists, and a #section of a Markdown file is one of its headings. Examples in code (an
# indented block, `a span`) are not links: a manuscript's ![figure](files/chart.png).
for md in "$SOURCE_DIR/README.md" "$SOURCE_DIR"/docs/*.md; do
    rel=${md#"$SOURCE_DIR"/}
    dir=$(dirname "$md")
    targets=$(sed -e '/^    /d' -e 's/`[^`]*`//g' "$md" | grep -oE '\]\([^)[:space:]]+\)' |
        sed -e 's/^](//' -e 's/)$//' |
        grep -vE '^(https?|mailto):' | sort -u)
    for t in $targets; do
        path=${t%%#*}
        section=
        [ "$path" != "$t" ] && section=${t#*#}
        [ -z "$path" ] && path=$(basename "$md")
        target=$dir/$path
        if [ ! -e "$target" ]; then
            fail "$rel links to $t, which exists" "no $target"
        elif [ -n "$section" ] && ! slugs "$target" | grep -qxF -- "$section"; then
            fail "$rel links to $t, which exists" "no heading of $path makes #$section"
        else
            pass "$rel links to $t, which exists"
        fi
    done
done

finish
