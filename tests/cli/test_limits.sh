#!/usr/bin/env bash
# Pathological Markdown and oversized manuscripts: submit and import refuse each shape
# that would cost cmark-gfm (or the JATS writer) far more than its size, naming the file,
# the line and the journal.yaml limit, and leave the repository as it was; a journal.yaml
# limit raised lets the same text in; build-site given such a manuscript committed by hand
# stops with a message naming it instead of rendering it; pages/*.md are held to the same
# limits.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
new_journal "$J" "Limits Journal" || finish
cd "$TEST_TMP" || finish
PY=/usr/bin/python3

front_matter() {
    cat <<'EOF'
---
title: "A pathological manuscript"
abstract: "What it found."
authors:
  - name: Ana Popescu
    email: ana@example.org
    affiliations:
      - name: University of Somewhere
        country: RO
---

Introduction.

EOF
}

# shape NAME: the body of each pathological shape on stdout (it starts on line 14).
shape() {
    case $1 in
    quotes) "$PY" -c 'print(">" * 10000 + " deep")' ;;
    lists) "$PY" -c 'print("".join("  " * i + "- item\n" for i in range(40)), end="")' ;;
    emphasis) "$PY" -c 'print("*" * 20000 + "a" + "*" * 20000)' ;;
    brackets) "$PY" -c 'print("[" * 50000 + "a")' ;;
    table) "$PY" -c 'print("|" + "a|" * 1000); print("|" + "-|" * 1000); print("x\n" * 2000, end="")' ;;
    long-line) "$PY" -c 'print("word " * 20000)' ;;
    footnotes) "$PY" -c 'print("".join("[^%d]: a note\n" % i for i in range(2001)), end="")' ;;
    link-definitions) "$PY" -c 'print("".join("[l%d]: /u%d\n" % (i, i) for i in range(5001)), end="")' ;;
    link-expansion) "$PY" -c 'print("[a]: /" + "x" * 4000); print(); print("[a] " * 3000)' ;;
    markup) "$PY" -c 'print("- a\n" * 60000, end="")' ;;
    esac
}

# Each shape, the journal.yaml key its message names, and the line it names.
check_shape() {
    local name=$1 key=$2 line=$3
    { front_matter; shape "$name"; } >"$name.md"
    local before=$TEST_TMP/.before.$name
    snapshot "$J" >"$before"
    expect_exit 1 "submit refuses $name" -- "$JOURNAL" -C "$J" submit "$name.md"
    expect_stderr_match "$name\.md:$line:[0-9]+: .*$key: [0-9]+ in journal\.yaml" \
        "the message names $name.md, line $line and $key"
    expect_unchanged "$before" "$J" "the refused $name left the repository unchanged"
}

check_shape quotes max_nesting_depth 14
check_shape lists max_nesting_depth 46        # the 33rd level
check_shape emphasis max_nesting_depth 14
check_shape brackets max_nesting_depth 14
check_shape table max_table_cells 64          # 1,000 columns: the 49th row passes 50,000 cells
check_shape long-line max_line_length 14
check_shape footnotes max_footnotes 2014      # the 2,001st
check_shape link-definitions max_link_definitions 5014
check_shape link-expansion max_link_expansion 14
check_shape markup max_markup 50013             # 100,000: two per item

# Too big a manuscript: the size limit (max_manuscript_size) applies before anything else.
{ front_matter; "$PY" -c 'print(("A sentence of an ordinary paragraph. " * 40 + "\n\n") * 1500, end="")'; } >big.md
before=$TEST_TMP/.before.big
snapshot "$J" >"$before"
expect_exit 1 "submit refuses a manuscript larger than max_manuscript_size" -- \
    "$JOURNAL" -C "$J" submit big.md
expect_stderr_match "big\.md.*max_manuscript_size" "the message names big.md and max_manuscript_size"
expect_unchanged "$before" "$J" "the refused big.md left the repository unchanged"

# An abstract is Markdown too.
{ front_matter | sed 's/^abstract: .*/abstract: "'"$("$PY" -c 'print("[" * 100)')"'"/'; } >abstract.md
snapshot "$J" >"$before"
expect_exit 1 "submit refuses an abstract nested too deep" -- "$JOURNAL" -C "$J" submit abstract.md
expect_stderr_match "abstract\.md:3:[0-9]+: .*max_nesting_depth" "the message names the abstract's line"
expect_unchanged "$before" "$J" "the refused abstract left the repository unchanged"

# Ordinary Markdown within the limits is accepted: nested lists, a table, footnotes, code.
{
    front_matter
    cat <<'EOF'
- one
  - two
    - three
      > a quote in a list

| a | b |
|---|---|
| 1 | 2 |

Text with *emphasis*, **strong**, `[[[[code]]]]`, snake_case_names and a note.[^1]

```
> > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > in code
```

* * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * *

[^1]: The note.
EOF
} >fine.md
expect_exit 0 "submit accepts ordinary Markdown" -- "$JOURNAL" -C "$J" submit fine.md

# The limits are journal.yaml's to set: raised, the same text is let in.
printf 'max_nesting_depth: 64\nmax_table_cells: 3000000\n' >>"$J/journal.yaml"
tgit -C "$J" commit -q -am "Raise the Markdown limits" || fail "commit journal.yaml"
expect_exit 0 "with max_nesting_depth: 64 the 40-level list is accepted" -- \
    "$JOURNAL" -C "$J" submit lists.md
expect_exit 0 "with max_table_cells: 3000000 the wide table is accepted" -- \
    "$JOURNAL" -C "$J" submit table.md
sed -i 's/^max_nesting_depth: 64$/max_nesting_depth: 0/' "$J/journal.yaml"
tgit -C "$J" commit -q -am "A limit of 0" || fail "commit journal.yaml"
expect_exit 1 "a limit of 0 in journal.yaml is refused" -- "$JOURNAL" -C "$J" submit fine.md
expect_stderr_match "journal\.yaml:[0-9]+:[0-9]+: .*max_nesting_depth" "the message names journal.yaml"
tgit -C "$J" revert --no-edit HEAD >/dev/null || fail "revert journal.yaml"

# import: a past issue whose article is pathological is refused the same way.
mkdir -p past
{ front_matter; shape quotes; } >past/deep.md
cat >past/issue.yaml <<'EOF'
volume: 1
number: 1
year: 2019
date: 2019-06-30
articles:
  - {file: deep.md, doi: 10.12345/lj.2019.1.1.1}
EOF
snapshot "$J" >"$before"
expect_exit 1 "import refuses a pathological article" -- "$JOURNAL" -C "$J" import past
expect_stderr_match "deep\.md:14:[0-9]+: .*max_nesting_depth" "the import message names deep.md and the limit"
expect_unchanged "$before" "$J" "the refused import left the repository unchanged"

# build-site: a published manuscript replaced by hand with a pathological one (or one larger
# than max_manuscript_size) stops the build with a message naming it.
S=$TEST_TMP/sample
sample_journal "$S" || finish
published=$(awk -F'[][, ]+' '/^articles:/ {print $2; exit}' "$S/issues/1.yaml")
ms=submissions/$published/manuscript.md
cp "$S/$ms" "$TEST_TMP/original.md"
{ sed -n '1,/^---$/p' "$TEST_TMP/original.md" | sed '1!{/^---$/q}'; echo; shape table; } >"$S/$ms"
tgit -C "$S" commit -q -am "A wide table committed by hand" || fail "commit the table by hand"
expect_exit 1 "build-site stops at the hand-committed wide table" -- \
    "$JOURNAL" -C "$S" build-site -o "$TEST_TMP/site1"
expect_stderr_match "submissions/$published/manuscript\.md:[0-9]+:[0-9]+: .*max_table_cells" \
    "the message names the manuscript and max_table_cells"

{ cat "$TEST_TMP/original.md"; "$PY" -c 'print(("A sentence. " * 60 + "\n\n") * 3000, end="")'; } >"$S/$ms"
tgit -C "$S" commit -q -am "An oversized manuscript committed by hand" || fail "commit by hand"
expect_exit 1 "build-site stops at the hand-committed oversized manuscript" -- \
    "$JOURNAL" -C "$S" build-site -o "$TEST_TMP/site2"
expect_stderr_match "submissions/$published/manuscript\.md.*max_manuscript_size" \
    "the message names the manuscript and max_manuscript_size"

cp "$TEST_TMP/original.md" "$S/$ms"
tgit -C "$S" commit -q -am "The manuscript restored" || fail "commit the restored manuscript"

# pages/*.md reach cmark-gfm in every build too: held to the same limits, with file and line.
{ printf -- '---\ntitle: "Deep"\n---\n\n'; shape quotes; } >"$S/pages/deep.md"
tgit -C "$S" add pages/deep.md && tgit -C "$S" commit -q -m "A deep page" || fail "commit the page"
expect_exit 1 "build-site stops at a page nested too deep" -- \
    "$JOURNAL" -C "$S" build-site -o "$TEST_TMP/site4"
expect_stderr_match "pages/deep\.md:5:[0-9]+: .*max_nesting_depth: [0-9]+ in journal\.yaml" \
    "the message names the page, its line and max_nesting_depth"
{ printf -- '---\ntitle: "Long"\n---\n\n'; shape footnotes; } >"$S/pages/deep.md"
tgit -C "$S" commit -q -am "A page of many notes" || fail "commit the page"
expect_exit 1 "build-site stops at a page with too many footnotes" -- \
    "$JOURNAL" -C "$S" build-site -o "$TEST_TMP/site4"
expect_stderr_match "pages/deep\.md:2005:[0-9]+: .*max_footnotes" "the message names the page's line and max_footnotes"
{ printf -- '---\ntitle: "Big"\n---\n\n'; "$PY" -c 'print(("A sentence. " * 60 + "\n\n") * 3000, end="")'; } >"$S/pages/deep.md"
tgit -C "$S" commit -q -am "An oversized page" || fail "commit the page"
expect_exit 1 "build-site stops at a page larger than max_manuscript_size" -- \
    "$JOURNAL" -C "$S" build-site -o "$TEST_TMP/site4"
expect_stderr_match "pages/deep\.md.*max_manuscript_size" "the message names the page and max_manuscript_size"
tgit -C "$S" rm -q pages/deep.md && tgit -C "$S" commit -q -m "The page removed" || fail "remove the page"
expect_exit 0 "build-site succeeds again once the manuscript is restored" -- \
    "$JOURNAL" -C "$S" build-site -o "$TEST_TMP/site3"

finish
