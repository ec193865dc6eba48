#!/usr/bin/env bash
# The corresponding author's status link (/status/<n>/<token> on journal serve), driven with
# curl against a real server on loopback and the real SMTP sink: `journal submit` with
# desk_url mails the link (only its hash is kept, the token reaches no file of the repository
# nor a log); the page follows the submission through its states without ever naming a
# reviewer (double-blind and single-blind); the revision form runs `journal revise` (the
# same commit's files), keeps what was typed and the files on a refusal (422), refuses a
# form without its CSRF token (403) and an oversize body (413), records one revision for the
# same form sent twice; hostile text is escaped; a wrong or revoked link is the plain 404;
# `journal token new|revoke N --author` re-issues and revokes the link.
. "$(dirname "$0")/lib.sh"

if ! command -v curl >/dev/null; then
    fail "curl is needed to drive journal serve"
    finish
fi
smtp_sink
trap 'stop_desk; stop_sink; [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$TEST_TMP"' EXIT

J=$TEST_TMP/sample
sample_journal "$J" || finish
# Small limits, so that an oversize body is quick to send (the desk takes the manuscript
# and attachment limits for a multipart body).
cat >>"$J/journal.yaml" <<YAML
mail_from_address: office@journal.example.org
mail_from_name: "Editorial Office"
smtp_host: 127.0.0.1
smtp_port: $SINK_PORT
smtp_tls: none
max_attachment_size: 50000
YAML
sed -i 's/^max_manuscript_size: .*/max_manuscript_size: 200000/' "$J/journal.yaml"
# A reviewer whose name is written in Cyrillic, to look for in every spelling.
cat >>"$J/reviewers.yaml" <<'YAML'
  - id: olzhas-nurlanov
    name: Олжас Нурланов
    email: o.nurlanov@example.kz
    affiliation: {name: Институт государственного управления, country: KZ}
    languages: [ru, en]
    keywords: [civil service, recruitment]
YAML
tgit -C "$J" commit -qam "Mail settings, limits and a reviewer"
cd "$TEST_TMP" || exit 1

paper() { # paper FILE TITLE: a manuscript whose corresponding author is Aigerim Sultanova
    cat >"$1" <<MD
---
title: "$2"
abstract: "How competitive examinations changed recruitment."
lang: en
type: research-article
keywords: [recruitment]
authors:
  - name: Aigerim Sultanova
    email: aigerim@example.org
    corresponding: true
    affiliations:
      - name: Kyoto Institute
        country: JP
---

The body of the paper.
MD
}

# --- without desk_url: no token, the acknowledgement as before ---
paper plain.md "Before the desk"
"$JOURNAL" -C "$J" submit plain.md >"$OUT" 2>"$ERR" || fail "submit without desk_url" "$(show_output)"
N0=$(tr -dc 0-9 <"$OUT")
check "without desk_url the record keeps no status link" -- \
    sh -c "! grep -q 'status_link' '$J/submissions/$N0/submission.yaml'"
decoded aigerim@example.org >"$TEST_TMP/ack0"
check "without desk_url the acknowledgement carries no status link" -- \
    sh -c "grep -q 'Before the desk' '$TEST_TMP/ack0' && ! grep -q '/status/' '$TEST_TMP/ack0'"

# --- the desk ---
start_desk "$J"
BASE=$DESK_BASE
SERVE_LOG=$DESK_LOG
check "journal serve prints the address it listens on" -- test -n "$BASE"
[ -n "$BASE" ] || finish
echo "desk_url: \"$BASE/\"" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "The front desk's address"

status_link() { decoded aigerim@example.org | grep -oE "$BASE/status/$1/[0-9a-f]{64}" | tail -1; }
fetch() {
    local url=$1
    shift
    STATUS=$(curl -s -o "$TEST_TMP/body" -D "$TEST_TMP/headers" -w '%{http_code}' "$@" "$url")
}
csrf_of() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TEST_TMP/body" | head -1; }
hash_of() { printf '%s' "$1" | sha256sum | cut -c1-64; }
# token_nowhere TOKEN DESC: not in any commit, any file of the journal (its .git and .journal:
# the outbox keeps a sent message with a link as headers only) or the server's log.
token_nowhere() {
    check "$2" -- sh -c "! git -C '$J' log -p --all | grep -q '$1' &&
        ! grep -rqa '$1' '$J' && ! grep -q '$1' '$SERVE_LOG'"
}

# --- journal submit with desk_url mails the status link ---
paper paper.md "Merit and the civil service"
"$JOURNAL" -C "$J" submit paper.md >"$OUT" 2>"$ERR" || fail "submit with desk_url" "$(show_output)"
N=$(tr -dc 0-9 <"$OUT")
LINK=$(status_link "$N")
TOKEN=${LINK##*/}
check "the acknowledgement carries the author's status link under desk_url" -- test -n "$LINK"
check "the record keeps the token's SHA-256 as status_link, in the submission's commit" -- \
    sh -c "git -C '$J' show HEAD:submissions/$N/submission.yaml | grep -q 'status_link: sha256:$(hash_of "$TOKEN")' &&
        git -C '$J' log -1 --format=%s | grep -q 'Submit #$N'"

fetch "$LINK"
check_eq "the link opens the status page (200)" 200 "$STATUS"
check "the page shows the title and the state, received" -- \
    sh -c "grep -q 'Merit and the civil service' '$TEST_TMP/body' && grep -q 'Received, waiting for the editors' '$TEST_TMP/body'"
check "the page shows the date of submission" -- \
    grep -q "<time datetime=\"$(sed -n 's/^submitted: //p' "$J/submissions/$N/submission.yaml")\"" "$TEST_TMP/body"
check "the page is in the manuscript's language, English" -- grep -q '<html lang="en">' "$TEST_TMP/body"
check "... and links the Russian page" -- grep -q "hreflang=\"ru\"" "$TEST_TMP/body"
check "no revision form while none is requested" -- sh -c "[ '$STATUS' = 200 ] && ! grep -q '<form' '$TEST_TMP/body'"
check "Referrer-Policy: no-referrer" -- grep -qi '^Referrer-Policy: no-referrer' "$TEST_TMP/headers"
fetch "$LINK?lang=ru"
check "?lang=ru gives the page in Russian" -- \
    sh -c "grep -q '<html lang=\"ru\">' '$TEST_TMP/body' && grep -q 'Получена, ожидает решения редакции' '$TEST_TMP/body'"

# --- a wrong link ---
WRONG="$BASE/status/$N/$(printf '%s' "$TOKEN" | tr '0-9a-f' '1-9a-f0')"
fetch "$WRONG"
check_eq "a wrong token is a 404" 404 "$STATUS"
check "... that reveals nothing" -- sh -c "! grep -q 'Merit' '$TEST_TMP/body' && grep -q 'Page not found' '$TEST_TMP/body'"
fetch "$BASE/status/$N0/$TOKEN"
check_eq "another submission's number with the token is a 404" 404 "$STATUS"

# --- under review: nobody named ---
for R in victoria-ciobanu asel-bekova olzhas-nurlanov; do
    "$JOURNAL" -C "$J" assign "$N" --reviewer $R --override-conflict "tested" >"$OUT" 2>"$ERR" ||
        fail "assign $R" "$(show_output)"
done
printf 'The argument holds; the sample is small.\n' >c.md
printf 'Confidential to the editor.\n' >k.md
for R in victoria-ciobanu olzhas-nurlanov; do
    "$JOURNAL" -C "$J" review "$N" --verdict major-revision --comments c.md --confidential k.md --as $R \
        >"$OUT" 2>"$ERR" || fail "review by $R" "$(show_output)"
done
# no_reviewer DESC: the page names no reviewer in any form (names in either script, family
# names, roster ids, addresses, "reviewer X").
no_reviewer() {
    check "$1" -- sh -c "[ '$STATUS' = 200 ] && grep -q 'Merit and the civil service' '$TEST_TMP/body' &&
        grep -qE 'A review was received|Получена рецензия' '$TEST_TMP/body' && ! grep -qiE 'Victoria|Ciobanu|Чобану|Asel|Bekova|Бекова|Олжас|Нурланов|Nurlanov|victoria-ciobanu|asel-bekova|olzhas-nurlanov|example\.kz|v\.ciobanu|a\.bekova|reviewer [a-z]' '$TEST_TMP/body'"
}
fetch "$LINK"
check "under review, the page says so" -- grep -q 'Under peer review' "$TEST_TMP/body"
check "the timeline says the manuscript went to review, and two reviews came in" -- \
    sh -c "grep -q 'Sent for peer review' '$TEST_TMP/body' && [ \$(grep -c 'A review was received' '$TEST_TMP/body') = 2 ]"
no_reviewer "under double-blind review the page names no reviewer"
fetch "$LINK?lang=ru"
no_reviewer "... in Russian either"
sed -i 's/^review_mode: .*/review_mode: single-blind/' "$J/journal.yaml"
tgit -C "$J" commit -qam "Single-blind review"
fetch "$LINK"
no_reviewer "under single-blind review the page names no reviewer"

# --- revision requested: the letter and the form ---
"$JOURNAL" -C "$J" decide "$N" revise --without asel-bekova >"$OUT" 2>"$ERR" || fail "decide revise" "$(show_output)"
fetch "$LINK"
check "the page says a revision is requested" -- grep -q 'Revision requested' "$TEST_TMP/body"
check "... shows the decision letter as sent" -- \
    sh -c "grep -q 'The argument holds; the sample is small.' '$TEST_TMP/body' && grep -q 'Decision, round 1' '$TEST_TMP/body'"
check "... and the revision form, multipart, with its CSRF token" -- \
    sh -c "grep -q 'enctype=\"multipart/form-data\"' '$TEST_TMP/body' && grep -q 'name=\"csrf\"' '$TEST_TMP/body'"
check "the form labels its fields" -- \
    sh -c "grep -q '<label for=\"manuscript\">' '$TEST_TMP/body' && grep -q '<label for=\"response\">' '$TEST_TMP/body'"
no_reviewer "the letter and the page name no reviewer"
CSRF=$(csrf_of)
ACTION="$LINK/revise"

# A refused form writes nothing.
snapshot "$J" >"$TEST_TMP/before"
paper revised.md "Merit and the civil service, revised"
fetch "$ACTION" -F "round=1" -F "manuscript=@revised.md" -F "response=Thanks."
check_eq "a form without its CSRF token is refused (403)" 403 "$STATUS"
head -c 2000000 /dev/zero >big.bin
fetch "$ACTION" -F "csrf=$CSRF" -F "round=1" -F "manuscript=@big.bin;filename=big.md"
check_eq "an oversize upload is refused (413)" 413 "$STATUS"
check "... with a clear page" -- grep -q 'Too much data' "$TEST_TMP/body"
# A manuscript that fails validation, a hostile file name and a hostile response.
HOSTILE='<script>alert(1)</script>"><img src=x onerror=alert(2)>'
printf -- '---\nabstract: "No title."\nlang: en\n---\n\nBody.\n' >bad.md
fetch "$ACTION" -F "csrf=$CSRF" -F "round=1" \
    -F 'manuscript=@bad.md;filename="<img src=x onerror=alert(3)>.md"' --form-string "response=$HOSTILE Dear reviewers, thank you."
check_eq "a manuscript that fails validation is refused on the page (422)" 422 "$STATUS"
check "... with journal revise's message next to the field" -- \
    sh -c "grep -q 'id=\"manuscript-error\"' '$TEST_TMP/body' && grep -qi 'title' '$TEST_TMP/body'"
check "... the typed response kept, escaped" -- \
    grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt; Dear reviewers, thank you.</textarea>' "$TEST_TMP/body"
check "... the file kept, under its (escaped) name" -- grep -qF '&lt;img src=x onerror=alert(3)&gt;.md' "$TEST_TMP/body"
check "... no script or live markup on the page" -- \
    sh -c "[ '$STATUS' = 422 ] && ! grep -qiE '<script|<img' '$TEST_TMP/body'"
check "... the uploaded file waits under .journal/desk" -- test -n "$(find "$J/.journal/desk" -type f -name 'manuscript.md' 2>/dev/null)"
expect_unchanged "$TEST_TMP/before" "$J" "the refused forms left the repository unchanged"

# Bytes that are not UTF-8, in a file name and the response: refused at the response, both
# still shown (U+FFFD for the bad byte), nothing lost.
fetch "$ACTION" -F "csrf=$CSRF" -F "round=1" -F "manuscript=@bad.md;filename=$(printf 'draft\377.md')" \
    --form-string "response=$(printf 'Thanks \377 again')"
check_eq "a response that is not UTF-8 is refused (422)" 422 "$STATUS"
check "... the response and the file name still shown, the bad byte as U+FFFD" -- \
    sh -c "grep -q 'id=\"response-error\"' '$TEST_TMP/body' && grep -qF 'Thanks � again</textarea>' '$TEST_TMP/body' && grep -qF 'draft�.md' '$TEST_TMP/body'"

# inert PAGE TEXTFILE: read with Python's HTML tokenizer, PAGE has no element but the
# desk's own (no script, img, svg, iframe, object, embed, math, style), no event-handler
# attribute and no javascript: URL, and its textarea gives back TEXTFILE exactly.
inert() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import html.parser, sys
page, want = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8").read()
class P(html.parser.HTMLParser):
    bad, area, inside = [], "", False
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "svg", "iframe", "object", "embed", "math", "style"):
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on") or (v or "").strip().lower().startswith("javascript:"):
                self.bad.append(k)
        self.inside = tag == "textarea"
    def handle_endtag(self, tag):
        self.inside = False
    def handle_data(self, data):
        if self.inside:
            self.area += data
p = P(convert_charrefs=True)
p.feed(page)
if p.bad or p.area.lstrip("\n") != want:
    print("markup:", p.bad, "textarea kept:", p.area.lstrip("\n") == want)
    sys.exit(1)
PY
}
# The hostile corpus through the response and the file name, inert on the page.
for f in "$SOURCE_DIR"/tests/xss/*.md; do
    name=$(grep -m1 '<' "$f" | tr -d '"\\;' | head -c 120)
    fetch "$ACTION" -F "csrf=$CSRF" -F "round=1" -F "manuscript=@bad.md;filename=\"$name.md\"" \
        -F "response=<$f"
    check_eq "tests/xss/$(basename "$f") through the form and a file name: refused (422)" 422 "$STATUS"
    check "... every string inert, the text kept" -- inert "$TEST_TMP/body" "$f"
done

# The good manuscript with a response file that is not text: refused at the response, the
# manuscript kept for the next attempt.
printf 'Dear reviewers,\n\nwe enlarged the sample.\n' >response.md
printf '\377\376not text\n' >response.bin
fetch "$ACTION" -F "csrf=$CSRF" -F "round=1" -F "manuscript=@revised.md" -F "response_file=@response.bin;filename=response.md"
check_eq "a response file that is not UTF-8 text is refused (422)" 422 "$STATUS"
check "... with the message next to the response" -- grep -q 'id="response-error"' "$TEST_TMP/body"
check "... and the manuscript offered as kept" -- grep -qF 'choose a file only to replace it): revised.md' "$TEST_TMP/body"

# --- the revision through the form: the same commit as journal revise ---
PRE=$(git -C "$J" rev-parse HEAD)
before=$(commit_count "$J")
# No manuscript this time: the one kept from the attempt before is sent.
fetch "$ACTION" -F "csrf=$CSRF" -F "round=1" -F "response=<response.md"
check_eq "the revision is accepted: 303 See Other" 303 "$STATUS"
check "... back to the status page" -- grep -qi "^Location: \.\./$TOKEN" "$TEST_TMP/headers"
check_eq "... in one commit" $((before + 1)) "$(commit_count "$J")"
check "the manuscript stored is the one kept from the attempt before" -- \
    sh -c "git -C '$J' show HEAD:submissions/$N/manuscript.md | cmp -s - revised.md"
check "the record is in round 2, under review" -- \
    sh -c "grep -q '^round: 2' '$J/submissions/$N/submission.yaml' && grep -q '^state: under-review' '$J/submissions/$N/submission.yaml'"
check "the files kept between attempts are gone" -- sh -c "[ -d '$J/.journal/desk/status' ] && [ -z \"\$(find '$J/.journal/desk' -type f 2>/dev/null)\" ]"
# The CLI on a copy at the same commit, with the same files.
git clone -q "$J" "$TEST_TMP/twin" && git -C "$TEST_TMP/twin" checkout -q "$PRE"
"$JOURNAL" -C "$TEST_TMP/twin" revise "$N" revised.md --response response.md >"$OUT" 2>"$ERR" ||
    fail "journal revise on the twin" "$(show_output)"
check "the form's commit changes the files journal revise's does" -- \
    sh -c "[ \"\$(git -C '$J' show --name-only --format= HEAD | sort)\" = \"\$(git -C '$TEST_TMP/twin' show --name-only --format= HEAD | sort)\" ]"
for f in manuscript.md "responses/round-2.md"; do
    check "... with the same submissions/$N/$f" -- \
        sh -c "[ \"\$(git -C '$J' rev-parse HEAD:submissions/$N/$f)\" = \"\$(git -C '$TEST_TMP/twin' rev-parse HEAD:submissions/$N/$f)\" ]"
done
grep -vE '^ *-? *(at|by):' "$J/submissions/$N/submission.yaml" >"$TEST_TMP/record.desk"
grep -vE '^ *-? *(at|by):' "$TEST_TMP/twin/submissions/$N/submission.yaml" >"$TEST_TMP/record.cli"
check "... and the same record, but for who and when" -- cmp -s "$TEST_TMP/record.desk" "$TEST_TMP/record.cli"
before=$(commit_count "$J")
fetch "$ACTION" -F "csrf=$CSRF" -F "round=1" -F "manuscript=@revised.md" -F "response=<response.md"
check_eq "the same form sent again answers 303" 303 "$STATUS"
check_eq "... and makes no second revision" "$before" "$(commit_count "$J")"
fetch "$LINK"
check "the page shows round 2 under review, and the revision in the timeline" -- \
    sh -c "grep -q 'round 2' '$TEST_TMP/body' && grep -q 'Revised manuscript received' '$TEST_TMP/body' && ! grep -q '<form' '$TEST_TMP/body'"

# --- accepted ---
"$JOURNAL" -C "$J" assign "$N" --reviewer victoria-ciobanu --override-conflict "tested" >"$OUT" 2>"$ERR" ||
    fail "assign round 2" "$(show_output)"
printf 'Convincing now.\n' >c2.md
"$JOURNAL" -C "$J" review "$N" --verdict accept --comments c2.md --confidential k.md --as victoria-ciobanu \
    >"$OUT" 2>"$ERR" || fail "review round 2" "$(show_output)"
"$JOURNAL" -C "$J" decide "$N" accept >"$OUT" 2>"$ERR" || fail "decide accept" "$(show_output)"
fetch "$LINK"
check "accepted: the page says so, with the date" -- \
    sh -c "grep -q 'Decision: accepted' '$TEST_TMP/body' && grep -q '<dt>Accepted</dt>' '$TEST_TMP/body'"
check "... both letters shown" -- \
    sh -c "grep -q 'Decision, round 1' '$TEST_TMP/body' && grep -q 'Decision, round 2' '$TEST_TMP/body'"
no_reviewer "... and no reviewer named"
token_nowhere "$TOKEN" "the status token is in no commit, no file of the repository and no log line"

# A record whose status_link is not a hash is refused, saying what is expected.
cp -R "$J" "$TEST_TMP/broken"
sed -i 's/^status_link: sha256:.*/status_link: 0123/' "$TEST_TMP/broken/submissions/$N/submission.yaml"
tgit -C "$TEST_TMP/broken" commit -qam "A broken hash"
expect_exit 1 "journal show refuses a status_link that is not a hash" -- "$JOURNAL" -C "$TEST_TMP/broken" show "$N"
expect_stderr_match "submission.yaml:[0-9]+:[0-9]+: 'status_link' must be 'sha256:' and 64 lowercase hex digits" \
    "... naming the file, the line and what is expected"

# --- revoked, re-issued ---
expect_exit 0 "journal token revoke N --author" -- "$JOURNAL" -C "$J" token revoke "$N" --author
check "the record keeps the date, no hash" -- \
    sh -c "grep -q '^status_link_revoked: ' '$J/submissions/$N/submission.yaml' && ! grep -q '^status_link:' '$J/submissions/$N/submission.yaml'"
fetch "$LINK"
check_eq "a revoked link is a 404" 404 "$STATUS"
check "... that reveals nothing" -- sh -c "! grep -q 'Merit' '$TEST_TMP/body'"
expect_exit 1 "revoking again is refused" -- "$JOURNAL" -C "$J" token revoke "$N" --author
expect_exit 0 "journal token new N --author mails a new link" -- "$JOURNAL" -C "$J" token new "$N" --author
NEWLINK=$(status_link "$N")
check "the new link differs from the old" -- sh -c "[ -n '$NEWLINK' ] && [ '$NEWLINK' != '$LINK' ]"
fetch "$NEWLINK"
check_eq "the new link opens the page" 200 "$STATUS"
fetch "$LINK"
check_eq "the old one stays closed" 404 "$STATUS"
token_nowhere "${NEWLINK##*/}" "the new token is in no commit, file or log either"

# --- a submission from before links existed; withdrawn ---
expect_exit 0 "journal token new gives a link to a submission made without one" -- \
    "$JOURNAL" -C "$J" token new "$N0" --author
OLD=$(status_link "$N0")
expect_exit 0 "withdraw it" -- "$JOURNAL" -C "$J" withdraw "$N0" --reason "The author asked"
fetch "$OLD"
check "a withdrawn submission's page shows its state, no form" -- \
    sh -c "[ '$STATUS' = 200 ] && grep -q '<dd class=\"state\">Withdrawn</dd>' '$TEST_TMP/body' && ! grep -q '<form' '$TEST_TMP/body'"
fetch "$OLD/revise" -F "csrf=0" -F "round=1"
check_eq "... and a post to it is refused" 403 "$STATUS"

# --- a Russian manuscript: the page in Russian, English linked ---
expect_exit 0 "journal token new for the published Russian submission 2" -- "$JOURNAL" -C "$J" token new 2 --author
RU=$(decoded n.rakhimova@example.net | grep -oE "$BASE/status/2/[0-9a-f]{64}" | tail -1)
decoded n.rakhimova@example.net >"$TEST_TMP/ru.mail"
check "the mail to its author is in Russian" -- grep -q 'Страница рукописи 2' "$TEST_TMP/ru.mail"
fetch "$RU"
check "its page is in Russian, with the English page linked" -- \
    sh -c "[ '$STATUS' = 200 ] && grep -q '<html lang=\"ru\">' '$TEST_TMP/body' && grep -q 'Опубликована' '$TEST_TMP/body' && grep -q 'hreflang=\"en\"' '$TEST_TMP/body'"

# --- a Word revision without its META.yaml: the front matter of the version under review ---
paper word.md "A paper revised in Word"
"$JOURNAL" -C "$J" submit word.md >"$OUT" 2>"$ERR" || fail "submit word.md" "$(show_output)"
W=$(tr -dc 0-9 <"$OUT")
WLINK=$(status_link "$W")
"$JOURNAL" -C "$J" assign "$W" --reviewer victoria-ciobanu --override-conflict "tested" >"$OUT" 2>"$ERR" &&
    "$JOURNAL" -C "$J" review "$W" --verdict minor-revision --comments c.md --confidential k.md \
        --as victoria-ciobanu >"$OUT" 2>"$ERR" &&
    "$JOURNAL" -C "$J" decide "$W" revise >"$OUT" 2>"$ERR" || fail "review round of $W" "$(show_output)"
fetch "$WLINK"
WCSRF=$(csrf_of)
# The same form sent twice at the same moment: one revision, both answered 303.
before=$(commit_count "$J")
pids=()
for k in 1 2; do
    curl -s -o /dev/null -w '%{http_code}' -F "csrf=$WCSRF" -F "round=1" \
        -F "manuscript=@$SOURCE_DIR/tests/fixtures/word/pandoc.docx" "$WLINK/revise" >"$TEST_TMP/twice.$k" &
    pids+=($!)
done
wait "${pids[@]}"
check_eq "a .docx revision without META.yaml, sent twice at once, is taken: 303 and 303" "303 303" \
    "$(cat "$TEST_TMP/twice.1") $(cat "$TEST_TMP/twice.2")"
check_eq "... one revision, one commit" $((before + 1)) "$(commit_count "$J")"
check "... converted, the document kept as files/original.docx, the title and authors unchanged" -- \
    sh -c "git -C '$J' show HEAD:submissions/$W/manuscript.md | grep -q '^title: \"\{0,1\}A paper revised in Word' &&
        git -C '$J' show HEAD:submissions/$W/manuscript.md | grep -q 'Aigerim Sultanova' &&
        git -C '$J' show HEAD:submissions/$W/manuscript.md | grep -qF 'The circulation grew as' &&
        git -C '$J' cat-file -e HEAD:submissions/$W/files/original.docx"

stop_desk
finish
