#!/usr/bin/env bash
# journal submit refuses bad input: exit 1, a message naming the file (and the
# line and column where they apply) and what was expected, and a repository
# left byte-for-byte as it was. Usage errors exit 2.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
MS=$TEST_TMP/ms
new_journal "$J" || finish
mkdir -p "$MS"
cd "$MS" || exit 1

# The valid manuscript every bad one is derived from. Line numbers matter:
#  1 ---
#  2 title: "Merit and testing in the civil service"
#  3 lang: en
#  4 type: research-article
#  5 abstract: "We study how centralised testing changed recruitment."
#  6 keywords: [merit, recruitment]
#  7 authors:
#  8   - name: Aigerim Testova
#  9     email: a.testova@example.org
# 10     orcid: 0000-0002-1825-0097
# 11     corresponding: true
# 12     affiliations:
# 13       - name: Academy of Testing
# 14         country: KZ
# 15 ---
# 16
# 17 ## Introduction
# 18
# 19 Body text with some words.
good() {
    cat <<'EOF'
---
title: "Merit and testing in the civil service"
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
---

## Introduction

Body text with some words.
EOF
}
good >good.md
echo "figure" >fig.png
echo "top secret" >"$TEST_TMP/secret.txt"

# reject NAME REGEX [REGEX2] -- SUBMIT-ARGS...: submit must exit 1 with stderr
# matching REGEX (and REGEX2 when given), print nothing on stdout, and leave
# the journal exactly as it was: same HEAD, same files, no stray temporary file.
reject() {
    local name=$1 regex=$2 regex2=
    shift 2
    if [ "$1" != "--" ]; then
        regex2=$1
        shift
    fi
    shift
    local before=$TEST_TMP/.before commits
    snapshot "$J" >"$before"
    commits=$(commit_count "$J")
    expect_exit 1 "$name: submit exits 1" -- "$JOURNAL" -C "$J" submit "$@"
    expect_stderr_match "$regex" "$name: stderr says /$regex/"
    [ -n "$regex2" ] && expect_stderr_match "$regex2" "$name: stderr says /$regex2/"
    expect_unchanged "$before" "$J" "$name: repository byte-for-byte unchanged"
    local stray
    stray=$(find "$J" "$MS" -name '*.tmp.*' | head -3)
    if [ "$(commit_count "$J")" = "$commits" ] && [ -z "$stray" ] && [ ! -s "$OUT" ] &&
        [ ! -e "$J/submissions/1" ]; then
        pass "$name: no new commit, no submissions/1, no *.tmp.* file, nothing on stdout"
    else
        fail "$name: no new commit, no submissions/1, no *.tmp.* file, nothing on stdout" \
            "commits $commits -> $(commit_count "$J"); stray: $stray; stdout: $(head -c 200 "$OUT")"
    fi
}

P='^journal submit: ' # how the first line of every message starts

# ---- the manuscript itself ----

printf '# A manuscript without front matter\n\nJust text.\n' >no_fm.md
reject "missing front matter" "${P}no_fm\.md:1:1: .*front matter.*'---'" -- no_fm.md

# Invalid YAML is reported at a line of the front matter (2..14 here), counted
# from the top of the file (the opening '---' is line 1).
IN_FM='([2-9]|1[0-4]):[0-9]+' # a line:column inside the YAML between the fences
# An unclosed double quote: the scalar runs on to the next '"' (line 5).
good | sed '2s/.*/title: "Merit and testing/' >unclosed_quote.md
reject "invalid YAML (unclosed double quote)" "${P}unclosed_quote\.md:${IN_FM}: invalid YAML" \
    -- unclosed_quote.md
# An unclosed single quote with no other quote after it must be reported inside
# the front matter, ideally where the quote opens (2:8; libyaml's context_mark).
good | sed "2s/.*/title: 'Merit and testing/" >unclosed_single.md
reject "invalid YAML (unclosed single quote)" "${P}unclosed_single\.md:${IN_FM}: invalid YAML" \
    -- unclosed_single.md

# Bad indentation on line 9: the file's line, counting the opening '---'.
good | sed '9s/^    email/     email/' >bad_indent.md
reject "invalid YAML (bad indentation)" "${P}bad_indent\.md:9:[0-9]+: invalid YAML" \
    -- bad_indent.md

# A title in typographic quotes with a colon: the error says the value needs quoting, and how.
good | sed "2s/.*/title: “Citizens’ trust: evidence from Almaty”/" >typographic.md
reject "a title in typographic quotes" \
    "${P}typographic\.md:2:[0-9]+: invalid YAML: .*the value of 'title' must be quoted \(typographic quotes are not YAML quotes\): write it as title: '“Citizens’ trust: evidence from Almaty”'" \
    -- typographic.md

good | sed '2d' >no_title.md
reject "missing title" "${P}no_title\.md:1:1: .*missing required field 'title'" -- no_title.md

good | sed '7,14d' >no_authors.md
reject "missing authors" "${P}no_authors\.md:1:1: .*missing required field 'authors'" \
    -- no_authors.md

good | sed '7s/.*/authors: []/; 8,14d' >empty_authors.md
reject "empty authors list" "${P}empty_authors\.md:7:10: .*list of authors is empty" \
    -- empty_authors.md

good | sed '12,14d' >no_affiliation.md
reject "author without affiliation" \
    "${P}no_affiliation\.md:8:5: author 'Aigerim Testova' has no affiliation.*affiliations" \
    -- no_affiliation.md

good | sed '14d' >no_country.md
reject "affiliation without country, not international" \
    "${P}no_country\.md:13:9: affiliation 'Academy of Testing' needs a country.*international: true" \
    -- no_country.md

good | sed 's/0000-0002-1825-0097/0000-0002-1825-0098/' >bad_orcid.md
reject "bad ORCID checksum" \
    "${P}bad_orcid\.md:10:12: ORCID iD '0000-0002-1825-0098' has a wrong check digit" \
    -- bad_orcid.md

good | sed 's/0000-0002-1825-0097/0000-0002-1825/' >malformed_orcid.md
reject "malformed ORCID" \
    "${P}malformed_orcid\.md:10:12: '0000-0002-1825' is not an ORCID iD \(expected 0000-0000-0000-000X\)" \
    -- malformed_orcid.md

good | sed '14s/KZ/Kazakstan/' >unknown_country.md
reject "unknown country suggests Kazakhstan" \
    "${P}unknown_country\.md:14:18: unknown country 'Kazakstan'.*did you mean .*Kazakhstan" \
    -- unknown_country.md

# A raw 0xff byte in the body: line 19, after "Body " (column 6).
good | sed '19s/^Body /Body \xff/' >bad_utf8.md
if grep -q $'\xff' bad_utf8.md; then
    reject "invalid UTF-8" "${P}bad_utf8\.md:19:6: invalid UTF-8.*0xff" -- bad_utf8.md
else
    fail "invalid UTF-8: could not write the 0xff byte into the test file"
fi

: >empty.md
reject "empty file" "${P}empty\.md: .*empty.*front matter" -- empty.md

# Columns count characters, not bytes: after six Cyrillic letters and a space.
good | sed '19s/.*/Текст \xff/' >bad_utf8_ru.md
reject "invalid UTF-8 after Cyrillic text" "${P}bad_utf8_ru\.md:19:7: invalid UTF-8" -- bad_utf8_ru.md

good | sed '19s/^Body /Body \x00/' >nul.md
reject "NUL byte" "${P}nul\.md: .*NUL" -- nul.md

reject "manuscript missing" "${P}nothere\.md: no such file" -- nothere.md
mkdir -p adir.md
reject "manuscript is a folder" "${P}adir\.md: is a directory" -- adir.md

good | sed '4s/research-article/novel/' >bad_type.md
reject "unknown article type" \
    "${P}bad_type\.md:4:7: unknown article type 'novel' \(expected research-article.*editorial\)" \
    -- bad_type.md

good | sed '3s/en/xx/' >bad_lang.md
reject "unknown lang" "${P}bad_lang\.md:3:7: unknown language 'xx' \(expected an ISO 639-1 code" \
    -- bad_lang.md

good | sed '15d' >unclosed_fm.md
reject "front matter never closed" "${P}unclosed_fm\.md:1:1: .*never closed.*'---'" \
    -- unclosed_fm.md

# Two problems in one manuscript: both reported, each with its location.
good | sed 's/0000-0002-1825-0097/0000-0002-1825-0098/; 14s/KZ/Kazakstan/' >two_problems.md
reject "bad ORCID and unknown country both reported" \
    "${P}two_problems\.md:10:12: .*ORCID" \
    "^(journal submit: )?two_problems\.md:14:18: .*unknown country 'Kazakstan'.*Kazakhstan" \
    -- two_problems.md
lines=$(grep -cE 'two_problems\.md:[0-9]+:[0-9]+: ' "$ERR")
check_eq "bad ORCID and unknown country: exactly two located problem lines" 2 "$lines"

# ---- attachments ----

reject "--file ../secret.txt" "${P}.*\.\./secret\.txt.*leave the submission folder" \
    -- good.md --file ../secret.txt
reject "--file /etc/hostname (absolute)" "${P}.*/etc/hostname.*relative path.*not an absolute path" \
    -- good.md --file /etc/hostname

ln -s fig.png link.png
reject "--file a symbolic link" "${P}.*link\.png.*symbolic link" -- good.md --file link.png

mkdir -p realdir && echo data >realdir/data.csv && ln -s realdir linkdir
reject "--file through a symlinked folder" "${P}.*linkdir/data\.csv: linkdir is a symbolic link" \
    -- good.md --file linkdir/data.csv

reject "--file missing" "${P}.*--file missing\.png: no such file" -- good.md --file missing.png

mkdir -p figures
reject "--file a folder" "${P}.*--file figures: not a regular file" -- good.md --file figures
reject "--file given twice" "${P}.*--file fig\.png: given twice" -- good.md --file fig.png --file=fig.png

# an attachment path with a
# .git component cannot be stored in git, so it must be refused up front as bad
# input (exit 1) naming the --file, with nothing written.
mkdir -p sub/.git && echo "[core]" >sub/.git/config
reject "--file sub/.git/config (a .git path component)" "${P}.*--file sub/\.git/config" \
    -- good.md --file sub/.git/config

reject "--file given after a good one, missing" "${P}.*nope/fig\.png: no such file" \
    -- good.md --file fig.png --file nope/fig.png

# ---- the size limit from journal.yaml ----

J_ALL=$J
J=$TEST_TMP/small
new_journal "$J" "Small Journal"
sed -i 's/^max_manuscript_size:.*/max_manuscript_size: 1000/' "$J/journal.yaml"
tgit -C "$J" commit -q -am "Limit manuscripts to 1000 bytes"
{
    good
    for i in $(seq 1 40); do echo "Paragraph $i of a long and otherwise valid manuscript."; done
} >big.md
size=$(wc -c <big.md)
reject "manuscript over max_manuscript_size" \
    "${P}big\.md: .*${size} bytes.*over the limit of 1000 bytes.*max_manuscript_size" -- big.md

# attachments have their own limit, and the message must name that setting.
sed -i 's/^max_attachment_size:.*/max_attachment_size: 100/' "$J/journal.yaml"
tgit -C "$J" commit -q -am "Limit attachments to 100 bytes"
head -c 500 /dev/zero | tr '\0' x >big.csv
reject "attachment over max_attachment_size" \
    "${P}big\.csv: .*500 bytes.*over the limit of 100 bytes.*max_attachment_size" -- good.md --file big.csv
J=$J_ALL

# ---- not a journal ----

EMPTY=$TEST_TMP/empty_dir
mkdir -p "$EMPTY"
snapshot "$EMPTY" >"$TEST_TMP/.before"
expect_exit 1 "submit outside a journal exits 1" -- "$JOURNAL" -C "$EMPTY" submit good.md
expect_stderr_match "^journal submit: not a journal" "submit outside a journal: message says not a journal"
check "submit outside a journal: the folder stays empty" -- test -z "$(ls -A "$EMPTY")"

expect_exit 1 "list outside a journal exits 1" -- "$JOURNAL" -C "$EMPTY" list
expect_stderr_match "^journal list: not a journal" "list outside a journal: says not a journal"
expect_exit 1 "build-site outside a journal exits 1" -- "$JOURNAL" -C "$EMPTY" build-site
check "build-site outside a journal: the folder stays empty" -- test -z "$(ls -A "$EMPTY")"

PLAIN=$TEST_TMP/plain_repo
mkdir -p "$PLAIN"
tgit -C "$PLAIN" init -q
echo "hello" >"$PLAIN/README"
tgit -C "$PLAIN" add README
tgit -C "$PLAIN" commit -q -m "Not a journal"
snapshot "$PLAIN" >"$TEST_TMP/.before"
expect_exit 1 "submit in a git repo without journal.yaml exits 1" -- \
    "$JOURNAL" -C "$PLAIN" submit good.md
expect_stderr_match "^journal submit: .*not a journal: journal\.yaml is missing" \
    "git repo without journal.yaml: message says journal.yaml is missing"
expect_unchanged "$TEST_TMP/.before" "$PLAIN" "git repo without journal.yaml: repository unchanged"

# journal.yaml on disk but never committed: journal reads the committed tree.
cp "$J/journal.yaml" "$PLAIN/journal.yaml"
snapshot "$PLAIN" >"$TEST_TMP/.before"
expect_exit 1 "uncommitted journal.yaml exits 1" -- "$JOURNAL" -C "$PLAIN" submit good.md
expect_stderr_match "journal\.yaml is not committed" "uncommitted journal.yaml: message says commit it"
expect_unchanged "$TEST_TMP/.before" "$PLAIN" "uncommitted journal.yaml: repository unchanged"

# ---- usage errors exit 2 ----

snapshot "$J" >"$TEST_TMP/.before"
expect_exit 2 "submit without a manuscript exits 2" -- "$JOURNAL" -C "$J" submit
expect_stderr_match "^journal submit: .*manuscript" "submit without a manuscript: says which manuscript"
expect_exit 2 "submit --bogus exits 2" -- "$JOURNAL" -C "$J" submit good.md --bogus
expect_stderr_match "unknown option '--bogus'" "submit --bogus: names the option"
expect_exit 2 "submit --file without a value exits 2" -- "$JOURNAL" -C "$J" submit good.md --file
expect_exit 2 "two manuscripts exit 2" -- "$JOURNAL" -C "$J" submit good.md good.md
expect_exit 2 "unknown global option exits 2" -- "$JOURNAL" --bogus list
expect_exit 2 "unknown command exits 2" -- "$JOURNAL" -C "$J" frobnicate
expect_stderr_match "'frobnicate' is not a journal command" "unknown command: names it"
expect_stderr_no_suggestion=$(grep -c "did you mean" "$ERR")
check_eq "unknown command: no suggestion when nothing is near" 0 "$expect_stderr_no_suggestion"
expect_exit 2 "a mistyped command exits 2" -- "$JOURNAL" -C "$J" sumbit good.md
expect_stderr_match "^journal: 'sumbit' is not a journal command; did you mean submit\?$" \
    "a mistyped command: did you mean submit?"
expect_exit 2 "help for a mistyped command exits 2" -- "$JOURNAL" help build-sit
expect_stderr_match "no such command 'build-sit'.*; did you mean build-site\?$" \
    "help for a mistyped command: did you mean build-site?"
expect_exit 2 "no command exits 2" -- "$JOURNAL"
expect_exit 2 "-C without a folder exits 2" -- "$JOURNAL" -C
expect_exit 2 "list --state nonsense exits 2" -- "$JOURNAL" -C "$J" list --state nonsense
expect_stderr_match "unknown state 'nonsense'.*submitted" "list --state nonsense: lists the states"
expect_exit 2 "list --state without a value exits 2" -- "$JOURNAL" -C "$J" list --state
expect_exit 2 "show abc exits 2" -- "$JOURNAL" -C "$J" show abc
expect_stderr_match "'abc' is not a submission number" "show abc: says it is not a number"
expect_exit 2 "show 0 exits 2" -- "$JOURNAL" -C "$J" show 0
expect_exit 2 "show without a number exits 2" -- "$JOURNAL" -C "$J" show
expect_exit 2 "help frobnicate exits 2" -- "$JOURNAL" help frobnicate
expect_exit 2 "reindex extra exits 2" -- "$JOURNAL" -C "$J" reindex extra
expect_exit 2 "build-site --bogus exits 2" -- "$JOURNAL" -C "$J" build-site --bogus
expect_exit 2 "init --bogus exits 2" -- "$JOURNAL" init "$TEST_TMP/never" --bogus
check "init --bogus created nothing" -- test ! -e "$TEST_TMP/never"
expect_unchanged "$TEST_TMP/.before" "$J" "usage errors left the journal unchanged"

finish
