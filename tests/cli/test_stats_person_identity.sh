#!/usr/bin/env bash
# journal stats counts a person once whatever the script and order their name is written in,
# as the author index lists them once (model/namematch.h's person_identity_key): "Timur
# Zhaksylykov" and "Жаксылыков Тимур", both without an ORCID iD, are one author of Kazakhstan.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish
PY=${PYTHON:-python3}

kz_authors() {
    "$JOURNAL" -C "$J" stats --json >"$OUT" 2>"$ERR" || { fail "stats --json" "$(show_output)"; return; }
    "$PY" -c 'import json,sys; print({c["code"]: c for c in json.load(open(sys.argv[1]))["countries"]}["KZ"]["authors"])' "$OUT"
}
before=$(kz_authors)

article() { # NUMBER NAME
    mkdir -p "$J/submissions/$1"
    cat >"$J/submissions/$1/manuscript.md" <<MD
---
title: "Article $1"
abstract: A.
authors:
  - name: $2
    affiliations: [{name: Karaganda Academy, country: KZ}]
---
Body.
MD
    printf 'number: %s\nstate: published\nsubmitted: 2026-01-02\npublished: 2026-01-10\nissue: 3\n' \
        "$1" >"$J/submissions/$1/submission.yaml"
}
article 12 "Timur Zhaksylykov"
article 13 "Жаксылыков Тимур"
article 14 "Timur Zhaksylykova"
printf 'volume: 2\nnumber: 1\nyear: 2026\ndate: 2026-01-10\narticles: [12, 13, 14]\n' >"$J/issues/3.yaml"
tgit -C "$J" add -A && tgit -C "$J" commit -qm "Issue 3"
after=$(kz_authors)
check_eq "Timur Zhaksylykov and Жаксылыков Тимур count once; Zhaksylykova is another author" \
    "$((before + 2))" "$after"
finish
