#!/usr/bin/env bash
# A manuscript's translations (front matter translations: {en: {title, subtitle, abstract,
# keywords}}) and journal.yaml's require_translations: a Russian manuscript with its English
# title, abstract and keywords is received; one into a language the journal does not publish,
# into its own language, without a title, or missing what require_translations asks is
# refused with file and line, and nothing is written.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/journal
MS=$TEST_TMP/ms
new_journal "$J" "Translations Test Journal" || finish
sed -i 's/^languages: .*/languages: [en, ru]\nrequire_translations: [en]/' "$J/journal.yaml"
tgit -C "$J" commit -q -am "Publish in English and Russian, with English translations" ||
    fail "commit journal.yaml"
mkdir -p "$MS"
cd "$MS" || exit 1

# paper TRANSLATIONS: a Russian manuscript whose front matter ends with TRANSLATIONS.
paper() {
    cat <<EOF
---
title: "Реформа государственной службы"
lang: ru
abstract: "Мы изучаем реформу."
keywords: [реформа, госслужба]
authors:
  - name: Иван Петров
    email: i.petrov@example.org
    affiliations:
      - name: Академия управления
        country: KZ
$1
---

Текст.
EOF
}

paper 'translations:
  en:
    title: "Civil service reform"
    abstract: "We study the reform."
    keywords: [reform, civil service]' >good.md
expect_exit 0 "submit a Russian manuscript with its English translation" -- \
    "$JOURNAL" -C "$J" submit good.md
expect_exit 0 "show --json 1" -- "$JOURNAL" -C "$J" show 1
expect_stdout_match "Реформа государственной службы" "show 1: the Russian title"

# ---- refusals: file and line, nothing written ----

refused() {
    local desc=$1 pattern=$2 file=$3
    local before=$TEST_TMP/.before
    snapshot "$J" >"$before"
    expect_exit 1 "$desc: submit exits 1" -- "$JOURNAL" -C "$J" submit "$file"
    expect_stderr_match "$pattern" "$desc: says where and what"
    expect_unchanged "$before" "$J" "$desc: nothing written"
}

paper '' >missing.md
refused "no English translation under require_translations: [en]" \
    "missing\.md:1:1: front matter: the journal requires an English translation" missing.md

paper 'translations:
  en:
    title: "Civil service reform"' >title-only.md
refused "an English title without abstract and keywords" \
    "title-only\.md:13:1: translations: en: missing 'abstract'" title-only.md
expect_stderr_match "title-only\.md:13:1: translations: en: missing 'keywords'" \
    "an English title without keywords: the keywords are asked for too"

paper 'translations:
  en:
    abstract: "We study the reform."
    keywords: [reform]' >no-title.md
refused "a translation without a title" "no-title\.md:13:3: translations: en: missing required field 'title'" \
    no-title.md

paper 'translations:
  en: {title: Reform, abstract: A, keywords: [k]}
  de: {title: Reform}' >german.md
refused "a translation into a language the journal does not publish" \
    "german\.md:14:3: translations: the journal does not publish in German \(de\)" german.md

paper 'translations:
  en: {title: Reform, abstract: A, keywords: [k]}
  ru: {title: Реформа}' >own.md
refused "a translation into the manuscript's own language" \
    "own\.md:14:3: translations: 'ru' is the manuscript's own language" own.md

paper 'translations:
  en: {title: Reform, abstarct: A, keywords: [k]}' >typo.md
refused "an unknown field in a translation" \
    "typo\.md:13:.*unknown field 'abstarct' in a translation; did you mean abstract\?" typo.md

# An English manuscript needs no English translation.
sed -e 's/^lang: ru/lang: en/' -e '/^\$/d' missing.md >english.md
expect_exit 0 "an English manuscript is received without translations" -- \
    "$JOURNAL" -C "$J" submit english.md

# require_translations names a language the journal does not publish: journal.yaml's error.
sed -i 's/^require_translations: .*/require_translations: [de]/' "$J/journal.yaml"
tgit -C "$J" commit -q -am "Require German" || fail "commit journal.yaml"
expect_exit 1 "require_translations: [de] in an en/ru journal is refused" -- \
    "$JOURNAL" -C "$J" submit good.md
expect_stderr_match "journal\.yaml:[0-9]+:[0-9]+: require_translations: 'de' is not one of the journal's languages" \
    "require_translations: says journal.yaml's line and why"

finish
