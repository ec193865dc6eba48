#!/usr/bin/env bash
# The author's submission form on the front desk (journal serve on a loopback port, driven
# with curl, mail through the real SMTP sink): an English submission with a Markdown file and
# a Russian one with a Word file made by Pandoc wait outside git until the corresponding
# author follows the mailed link and confirms; confirming makes one commit with the files
# `journal submit` makes, and confirming twice (or again after the server was killed between
# the commit and its cleanup) never a second submission. A manuscript that fails validation
# comes back (422) with journal submit's message next to its field and everything typed and
# uploaded kept; a form without its CSRF token (403), an oversize upload (413) and a wrong file
# type are refused with nothing written; the hostile strings of tests/xss come back escaped;
# a waiting submission past desk_confirm_hours is deleted, and journal doctor sees it first.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! command -v curl >/dev/null; then
    fail "curl is needed to drive journal serve"
    finish
fi
SERVE_PID=
stop_serve() {
    if [ -n "$SERVE_PID" ]; then
        kill "$SERVE_PID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$SERVE_PID" 2>/dev/null
        { wait "$SERVE_PID"; } 2>/dev/null
        SERVE_PID=
    fi
}
smtp_sink
trap 'stop_serve; stop_sink; [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$TEST_TMP"' EXIT

J=$TEST_TMP/sample
sample_journal "$J" || finish
# Small file limits, so that an oversize upload is cheap to send; English required of
# manuscripts in Russian.
cat >>"$J/journal.yaml" <<YAML
mail_from_address: office@journal.example.org
mail_from_name: "Editorial Office"
smtp_host: 127.0.0.1
smtp_port: $SINK_PORT
smtp_tls: none
max_manuscript_size: 200000
max_attachment_size: 20000
require_translations: [en]
calls:
  - id: china-2027
    title: {en: "Special edition: public administration reform in China", ru: "Специальный выпуск: реформа госуправления в Китае"}
    deadline: 2027-03-31
  - id: closed-2020
    title: "A call that has closed"
    deadline: 2020-01-01
YAML
sed -i '/^max_manuscript_size: 2097152$/d' "$J/journal.yaml"
tgit -C "$J" commit -qam "Mail settings and limits"

# start_serve [ENV...]: journal serve on a free port; BASE is its address.
start_serve() {
    # Gone first: the shell truncates it only in the child, after this shell may have read it.
    rm -f "$TEST_TMP/serve.out"
    env "$@" "$JOURNAL" -C "$J" serve --listen 127.0.0.1:0 >"$TEST_TMP/serve.out" 2>>"$TEST_TMP/serve.log" &
    SERVE_PID=$!
    for _ in $(seq 200); do grep -q 'listening on' "$TEST_TMP/serve.out" 2>/dev/null && break; sleep 0.05; done
    BASE=$(sed -n 's|.*listening on \(http://[^ ]*\)/$|\1|p' "$TEST_TMP/serve.out")
}
start_serve
check "journal serve listens" -- test -n "$BASE"
[ -n "$BASE" ] || finish
echo "desk_url: \"$BASE/\"" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "The front desk's address"

fetch() {
    local url=$1
    shift
    STATUS=$(curl -s -o "$TEST_TMP/body" -D "$TEST_TMP/headers" -w '%{http_code}' "$@" "$url")
}
field_of() { sed -n "s/.*name=\"$1\" value=\"\([0-9a-f]*\)\".*/\1/p" "$TEST_TMP/body" | head -1; }
# new_form [LANG]: a fresh form; FORM and CSRF from it.
new_form() {
    fetch "$BASE/submit?lang=${1:-en}"
    FORM=$(field_of form)
    CSRF=$(field_of csrf)
}
decoded_body() {
    "$PY" - "$MAIL" "$1" <<'PY'
import email, email.policy, glob, sys
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    if sys.argv[2] in str(m["To"]):
        print("Subject: " + str(m["Subject"]))
        print(m.get_body().get_content())
PY
}
# confirm_link_for EMAIL: the last confirmation link mailed to EMAIL, on the server running now
# (desk_url names the first one's port).
confirm_link_for() {
    local path
    path=$(decoded_body "$1" | grep -oE "http://127\.0\.0\.1:[0-9]+/confirm/[0-9a-f]{32}/[0-9a-f]{64}" | tail -1)
    [ -n "$path" ] && echo "$BASE/${path#http://*/}"
}
WAITING=$J/.journal/desk/waiting
waiting_count() { find "$WAITING" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }

# --- the form ---
fetch "$BASE/submit"
check_eq "/submit opens the submission form (200)" 200 "$STATUS"
check "... in English, marked so" -- grep -q '<html lang="en">' "$TEST_TMP/body"
check "... a multipart form with a CSRF token and a form id" -- \
    sh -c "grep -q 'enctype=\"multipart/form-data\"' '$TEST_TMP/body' && [ -n \"$(field_of csrf)\" ] && [ -n \"$(field_of form)\" ]"
check "... labels for the author's fields" -- \
    sh -c "grep -q '<label for=\"a0_family\">Family name</label>' '$TEST_TMP/body' && grep -q '<label for=\"a0_orcid\">ORCID iD</label>' '$TEST_TMP/body'"
check "... countries by name, and international organisations" -- \
    sh -c "grep -q '<option value=\"KZ\">Kazakhstan</option>' '$TEST_TMP/body' && grep -q 'value=\"international\"' '$TEST_TMP/body'"
check "... the open call offered, in English; the closed one not" -- \
    sh -c "grep -q '<option value=\"china-2027\">Special edition: public administration reform in China (until 2027-03-31)</option>' '$TEST_TMP/body' &&
           ! grep -q 'closed-2020' '$TEST_TMP/body'"
check "... the declarations journal.yaml asks for (all three by default), the licence named" -- \
    sh -c "grep -q 'name=\"declare_originality\"' '$TEST_TMP/body' && grep -q 'under the licence CC BY 4.0</label>' '$TEST_TMP/body' &&
           grep -q 'name=\"competing_interests\"' '$TEST_TMP/body'"
check "... no script on the page" -- sh -c "! grep -qi '<script' '$TEST_TMP/body'"
check "Referrer-Policy and frame-ancestors on the form" -- \
    sh -c "grep -qi '^Referrer-Policy: no-referrer' '$TEST_TMP/headers' && grep -qi \"frame-ancestors 'none'\" '$TEST_TMP/headers'"
fetch "$BASE/submit?lang=ru"
check "?lang=ru gives the form in Russian, countries in Russian" -- \
    sh -c "grep -q '<html lang=\"ru\">' '$TEST_TMP/body' && grep -q 'Подача рукописи' '$TEST_TMP/body' &&
           grep -q '<option value=\"KZ\">Казахстан</option>' '$TEST_TMP/body'"
check "... the call's Russian title" -- grep -q 'Специальный выпуск: реформа госуправления в Китае' "$TEST_TMP/body"

# "add another author" without JavaScript: the form again, one more author, typed values kept.
new_form en
fetch "$BASE/submit?lang=en" -F csrf="$CSRF" -F form="$FORM" -F nauthors=1 -F title="Kept title" \
    -F a0_family=Ivanova -F a0_naff=1 -F action=add_author
check_eq "'add another author' answers with the form (200)" 200 "$STATUS"
check "... with a second author block and what was typed" -- \
    sh -c "grep -q 'name=\"a1_family\"' '$TEST_TMP/body' && grep -q 'value=\"Kept title\"' '$TEST_TMP/body' &&
           grep -q 'name=\"a0_family\" maxlength=\"300\" autocomplete=\"off\" value=\"Ivanova\"' '$TEST_TMP/body'"

fetch "$BASE/submit?lang=en" -F csrf="$CSRF" -F form="$FORM" -F nauthors=2 -F a0_naff=1 -F a1_naff=1 \
    -F "a0_aff0_name=Kept organisation" -F action=add_affiliation_0
check "'add another affiliation' adds one to that author, keeping the first" -- \
    sh -c "grep -q 'name=\"a0_aff1_name\"' '$TEST_TMP/body' && ! grep -q 'name=\"a1_aff1_name\"' '$TEST_TMP/body' &&
           grep -q 'value=\"Kept organisation\"' '$TEST_TMP/body'"

# --- refusals that write nothing ---
printf '# Introduction\n\nCentral testing changed recruitment in the civil service.\n\n## Method\n\nWe read 2,412 announcements.\n' >"$TEST_TMP/paper.md"
printf 'region,count\nnorth,12\n' >"$TEST_TMP/data.csv"
snapshot "$J" >"$TEST_TMP/before"
new_form en
fetch "$BASE/submit?lang=en" -F form="$FORM" -F title=T -F manuscript=@"$TEST_TMP/paper.md" -F action=submit
check_eq "a form without its CSRF token is refused (403)" 403 "$STATUS"
fetch "$BASE/submit?lang=en" -F form="$FORM" -F csrf="$(printf '0%.0s' $(seq 64))" -F title=T -F action=submit
check_eq "a form with a wrong CSRF token is refused (403)" 403 "$STATUS"
head -c 700000 /dev/urandom >"$TEST_TMP/big.md"
fetch "$BASE/submit?lang=en" -F csrf="$CSRF" -F form="$FORM" -F manuscript=@"$TEST_TMP/big.md" -F action=submit
check_eq "an upload over the journal's limits is refused (413)" 413 "$STATUS"
check "... with a page that says so" -- grep -q 'larger than the journal accepts' "$TEST_TMP/body"
expect_unchanged "$TEST_TMP/before" "$J" "the refused posts left the repository unchanged"
check "... and kept no file" -- sh -c "[ ! -d '$J/.journal/desk/forms/$FORM' ]"

# post_en FILE [NAME=VALUE...] [CURL ARGS...]: the English form filled in, FILE the manuscript
# ("" for none: the one kept), each NAME=VALUE replacing the field's value (NAME=@FILE a file).
post_en() {
    local file=$1 a k
    shift
    declare -A v=([title]="Merit recruitment after central testing" [mlang]=en [type]=research-article
        [abstract]="Where discretion went once testing was centralised." [keywords]="merit, recruitment"
        [nauthors]=2 [a0_given]=Dana [a0_family]=Seitkali [a0_email]=d.seitkali@example.org
        [a0_orcid]=0000-0003-5882-8559 [a0_naff]=1 [a0_aff0_name]="Academy of Public Administration"
        [a0_aff0_country]=KZ [a1_given]=Yerzhan [a1_family]=Kuanyshev [a1_naff]=1
        [a1_aff0_name]=OECD [a1_aff0_country]=international [corresponding]=0
        [declare_originality]=yes [declare_license]=yes [competing_interests]=None [call]=china-2027)
    local extra=() args=()
    for a in "$@"; do
        case $a in
        -*) extra+=("$a") ;;
        *=*) v[${a%%=*}]=${a#*=} ;;
        *) extra+=("$a") ;;
        esac
    done
    # Text with --form-string, which takes ';', '<' and '@' as they are; NAME=@FILE a file.
    for k in "${!v[@]}"; do
        case ${v[$k]} in
        @*) args+=(-F "$k=${v[$k]}") ;;
        *) args+=(--form-string "$k=${v[$k]}") ;;
        esac
    done
    fetch "$BASE/submit?lang=en" -F csrf="$CSRF" -F form="$FORM" "${args[@]}" \
        ${file:+-F "manuscript=@$file"} "${extra[@]}"
}

new_form en
printf '%%PDF-1.4\n' >"$TEST_TMP/paper.pdf"
post_en "$TEST_TMP/paper.pdf" action=submit
check_eq "a PDF as the manuscript is refused on the page (422)" 422 "$STATUS"
check "... next to the file field, naming the types journal submit takes" -- \
    sh -c "grep -q 'id=\"manuscript-error\">paper.pdf: not a manuscript file: upload Markdown (.md), Word (.docx) or OpenDocument (.odt)' '$TEST_TMP/body'"
check "... every typed value kept" -- \
    sh -c "grep -q 'value=\"Merit recruitment after central testing\"' '$TEST_TMP/body' && grep -q 'value=\"0000-0003-5882-8559\"' '$TEST_TMP/body' &&
           grep -q 'Where discretion went once testing was centralised.</textarea>' '$TEST_TMP/body' &&
           grep -q '<option value=\"KZ\" selected>Kazakhstan' '$TEST_TMP/body' &&
           grep -q '<option value=\"international\" selected>' '$TEST_TMP/body'"
check_eq "... and nothing waits" 0 "$(waiting_count)"

# --- a manuscript that fails validation: journal submit's own messages, by field ---
new_form en
printf 'not for the journal\n' >"$TEST_TMP/junk.txt"
post_en "$TEST_TMP/paper.md" action=submit a0_orcid=0000-0003-5882-8558 abstract= a1_aff0_country= \
    declare_license= call=closed-2020 "attachments=@$TEST_TMP/junk.txt"
check_eq "a manuscript that fails validation comes back (422)" 422 "$STATUS"
cp "$TEST_TMP/body" "$TEST_TMP/invalid.html"
# The same front matter through journal submit: its messages are the page's.
"$PY" - "$TEST_TMP/paper.md" >"$TEST_TMP/cli.md" <<'PY'
import sys
print('''---
title: "Merit recruitment after central testing"
lang: "en"
type: "research-article"
keywords: ["merit", "recruitment"]
authors:
  - name:
      given: "Dana"
      family: "Seitkali"
    email: "d.seitkali@example.org"
    orcid: "0000-0003-5882-8558"
    corresponding: true
    affiliations:
      - name: "Academy of Public Administration"
        country: "KZ"
  - name:
      given: "Yerzhan"
      family: "Kuanyshev"
    affiliations:
      - name: "OECD"
---''')
sys.stdout.write(open(sys.argv[1]).read())
PY
(cd "$TEST_TMP" && "$JOURNAL" -C "$J" submit cli.md >/dev/null 2>"$TEST_TMP/cli.err")
msgs_of() { sed -n "s/^.*cli\.md:[0-9]*:[0-9]*: //p" "$TEST_TMP/cli.err" | grep -i "$1" | head -1; }
html_has() { "$PY" -c 'import html,sys; t=html.unescape(open(sys.argv[1]).read()); sys.exit(0 if sys.argv[2] in t else 1)' "$@"; }
ORCID_MSG=$(msgs_of orcid)
check "journal submit refuses the same manuscript's ORCID iD" -- test -n "$ORCID_MSG"
check "... and the page shows its message under the ORCID field" -- \
    sh -c "grep -q 'id=\"a0_orcid-error\"' '$TEST_TMP/invalid.html' && sed -n '/id=\"a0_orcid-error\"/p' '$TEST_TMP/invalid.html' > '$TEST_TMP/orcid.html'"
check "... word for word" -- html_has "$TEST_TMP/orcid.html" "$ORCID_MSG"
ABS_MSG=$(msgs_of abstract)
check "the missing abstract: journal submit's message next to the abstract" -- \
    sh -c "[ -n \"\$1\" ] && sed -n '/id=\"abstract-error\"/p' '$TEST_TMP/invalid.html' > '$TEST_TMP/abs.html' && [ -s '$TEST_TMP/abs.html' ]" _ "$ABS_MSG"
check "... word for word" -- html_has "$TEST_TMP/abs.html" "$ABS_MSG"
AFF_MSG=$(msgs_of international)
check "the affiliation without a country: journal submit's message next to its country" -- \
    sh -c "[ -n \"\$1\" ] && sed -n '/id=\"a1_aff0_country-error\"/p' '$TEST_TMP/invalid.html' > '$TEST_TMP/aff.html' && [ -s '$TEST_TMP/aff.html' ]" _ "$AFF_MSG"
check "... word for word" -- html_has "$TEST_TMP/aff.html" "$AFF_MSG"
check "the licence not declared: asked for next to its box" -- \
    grep -q 'id="declare_license-error">Please confirm this to submit.' "$TEST_TMP/invalid.html"
check "a call that has closed: refused next to the choice" -- \
    grep -q 'id="call-error">This call is not open' "$TEST_TMP/invalid.html"
check "the errors are announced and described by the fields" -- \
    sh -c "grep -q 'role=\"alert\"' '$TEST_TMP/invalid.html' && grep -q 'aria-describedby=\"a0_orcid-error\"' '$TEST_TMP/invalid.html'"
check "no server path reaches the page" -- sh -c "! grep -q '$J' '$TEST_TMP/invalid.html'"
check "the uploaded file is kept: 'paper.md (uploaded; choose another to replace)'" -- \
    grep -q 'paper.md (uploaded; choose another to replace)' "$TEST_TMP/invalid.html"
check "... and the attachment, with a box to remove it" -- \
    sh -c "grep -q 'junk.txt (uploaded; choose another to replace)' '$TEST_TMP/invalid.html' &&
           grep -q 'name=\"remove_file\" value=\"junk.txt\"' '$TEST_TMP/invalid.html'"
check "... and every value typed" -- \
    sh -c "grep -q 'value=\"0000-0003-5882-8558\"' '$TEST_TMP/invalid.html' && grep -q 'value=\"Yerzhan\"' '$TEST_TMP/invalid.html' &&
           grep -q 'value=\"merit, recruitment\"' '$TEST_TMP/invalid.html'"
check_eq "... nothing waits" 0 "$(waiting_count)"

# Corrected, without choosing the file again: the kept one is used.
before=$(commit_count "$J")
mails_before=$(mails)
post_en "" action=submit "attachments=@$TEST_TMP/data.csv" remove_file=junk.txt
check_eq "the corrected form, the file kept from before, is accepted (200)" 200 "$STATUS"
check "... and says a confirmation link was mailed" -- \
    grep -q 'We have emailed a confirmation link to <strong>d.seitkali@example.org</strong>' "$TEST_TMP/body"
check_eq "... nothing is committed yet" "$before" "$(commit_count "$J")"
check_eq "... one submission waits outside git" 1 "$(waiting_count)"
ENTRY=$(find "$WAITING" -mindepth 1 -maxdepth 1 -type d | head -1)
ID=${ENTRY##*/}
check "... whole: the manuscript, its attachment, its record" -- \
    sh -c "[ -f '$ENTRY/manuscript/paper.md' ] && [ -f '$ENTRY/files/data.csv' ] && [ -f '$ENTRY/entry.json' ]"
check "... the kept form is gone" -- sh -c "[ ! -d '$J/.journal/desk/forms/$FORM' ]"
for _ in $(seq 100); do [ "$(mails)" -gt "$mails_before" ] && break; sleep 0.05; done
mails_sent=$(mails)
post_en "" action=submit
check_eq "the same form posted again is not sent again (200)" 200 "$STATUS"
check "... the page says it was sent already" -- grep -q 'This form has been sent already' "$TEST_TMP/body"
check_eq "... still one submission waits" 1 "$(waiting_count)"
sleep 0.3
check_eq "... and no second confirmation mail" "$mails_sent" "$(mails)"
LINK=$(confirm_link_for d.seitkali@example.org)
check "the corresponding author is mailed the confirmation link" -- test -n "$LINK"
decoded_body d.seitkali@example.org >"$TEST_TMP/mail-en"
check "... an English mail" -- grep -q 'Subject: \[JCSRP\] Please confirm your submission: Merit recruitment' "$TEST_TMP/mail-en"
TOKEN=${LINK##*/}
check "the token is kept only as its hash" -- \
    sh -c "grep -q \"sha256:$(printf '%s' "$TOKEN" | sha256sum | cut -c1-64)\" '$ENTRY/entry.json' && ! grep -rq '$TOKEN' '$J/.journal/desk'"
check "the token reaches no log" -- sh -c "! grep -q '$TOKEN' '$TEST_TMP/serve.log'"
# Sent, the confirmation keeps only its headers in the outbox: the token is in the mailbox alone.
outbox_has() {
    "$PY" - "$J/.journal/outbox.db" "$1" <<'PYEOF'
import email, email.policy, sqlite3, sys
found = False
for (raw,) in sqlite3.connect(sys.argv[1]).execute("select message from messages"):
    raw = raw if isinstance(raw, bytes) else raw.encode()
    text = raw.decode("latin-1")
    for part in email.message_from_bytes(raw, policy=email.policy.default).walk():
        if not part.is_multipart():
            try:
                text += part.get_content()
            except Exception:
                pass
    found = found or sys.argv[2] in text
sys.exit(0 if found else 1)
PYEOF
}
check "the outbox keeps the sent confirmation's headers" -- outbox_has d.seitkali@example.org
if outbox_has "$TOKEN"; then fail "the sent confirmation's token is not kept in the outbox"
else pass "the sent confirmation's token is not kept in the outbox"; fi

# What journal submit makes of the same manuscript, in a copy of the journal as it is now.
git clone -q "$J" "$TEST_TMP/twin"
cp "$ENTRY/manuscript/paper.md" "$TEST_TMP/twin-paper.md"
mkdir -p "$TEST_TMP/twinsrc"
cp "$ENTRY/files/data.csv" "$TEST_TMP/twinsrc/"
cp "$ENTRY/manuscript/paper.md" "$TEST_TMP/twinsrc/paper.md"
# (no mail from the twin: the sink is the test's)
sed -i '/^smtp_host:/d' "$TEST_TMP/twin/journal.yaml"
tgit -C "$TEST_TMP/twin" commit -qam "No mail from the twin"
(cd "$TEST_TMP/twinsrc" && "$JOURNAL" -C "$TEST_TMP/twin" submit paper.md --file data.csv >"$TEST_TMP/twin.out" 2>"$TEST_TMP/twin.err")
TWIN_N=$(head -1 "$TEST_TMP/twin.out")

fetch "$LINK"
check_eq "the link opens a confirmation page (200)" 200 "$STATUS"
check "... with a button, not a confirmation: nothing committed by a GET" -- \
    sh -c "grep -q 'Confirm the submission</button>' '$TEST_TMP/body' && [ '$before' = \"\$(git -C '$J' rev-list --count HEAD)\" ]"
CCSRF=$(field_of csrf)
fetch "$LINK" --data "x=1"
check_eq "confirming without the CSRF token is refused (403)" 403 "$STATUS"
check_eq "... nothing committed" "$before" "$(commit_count "$J")"
fetch "$LINK" --data "csrf=$CCSRF"
check_eq "confirming answers 303" 303 "$STATUS"
check_eq "confirming made one commit" $((before + 1)) "$(commit_count "$J")"
N=$(git -C "$J" log -1 --format=%s | sed -n 's/^Submit #\([0-9]*\):.*/\1/p')
check "... journal submit's commit, with the waiting submission's id" -- \
    sh -c "[ -n '$N' ] && git -C '$J' log -1 --format=%B | grep -q '^Desk: $ID$'"
check_eq "... the submission number journal submit would give" "$TWIN_N" "$N"
check "... recording the call answered and the author's declarations" -- \
    sh -c "git -C '$J' log -1 --format=%B > '$TEST_TMP/en-commit' && grep -q '^Call: china-2027$' '$TEST_TMP/en-commit' &&
           grep -q '^Declared: originality, license$' '$TEST_TMP/en-commit' && grep -q '^Competing interests: None$' '$TEST_TMP/en-commit'"
check_eq "... the same files as journal submit makes" \
    "$(git -C "$TEST_TMP/twin" ls-tree -r --name-only HEAD "submissions/$TWIN_N")" \
    "$(git -C "$J" ls-tree -r --name-only HEAD "submissions/$N")"
# (Each has a status link of its own: a random token, whose hash alone differs.)
no_link() { grep -v '^status_link: sha256:[0-9a-f]\{64\}$' "$1"; }
check "... the manuscript and its record as journal submit stores them" -- \
    sh -c "cmp '$J/submissions/$N/manuscript.md' '$TEST_TMP/twin/submissions/$N/manuscript.md' &&
           cmp '$J/submissions/$N/files/data.csv' '$TEST_TMP/twin/submissions/$N/files/data.csv'"
check "... the record the same but for the status link's hash, which both have" -- \
    sh -c "grep -q '^status_link: sha256:' '$J/submissions/$N/submission.yaml' &&
           grep -q '^status_link: sha256:' '$TEST_TMP/twin/submissions/$N/submission.yaml'"
check_eq "... line for line" "$(no_link "$TEST_TMP/twin/submissions/$N/submission.yaml")" \
    "$(no_link "$J/submissions/$N/submission.yaml")"
check "... the work tree clean" -- sh -c "[ -z \"\$(git -C '$J' status --porcelain)\" ]"
for _ in $(seq 100); do decoded_body d.seitkali@example.org | grep "Submission $N received" >/dev/null && break; sleep 0.05; done
decoded_body d.seitkali@example.org >"$TEST_TMP/mail-en"
check "the author gets journal submit's acknowledgement" -- \
    grep -q "Subject: \[JCSRP\] Submission $N received" "$TEST_TMP/mail-en"
fetch "$LINK"
check "the link now says the submission is received, with its number" -- \
    grep -q "as submission $N" "$TEST_TMP/body"
fetch "$LINK" --data "csrf=$CCSRF"
check_eq "confirming twice answers 303 again" 303 "$STATUS"
check_eq "... and makes no second submission" $((before + 1)) "$(commit_count "$J")"
check "the waiting submission's files are cleaned up" -- \
    sh -c "[ ! -e '$ENTRY/manuscript' ] && [ ! -e '$ENTRY/files' ]"

# --- in Russian, with a Word file made by Pandoc; the server killed after the commit ---
if command -v pandoc >/dev/null; then
    printf '# Введение\n\nЦентрализованное тестирование изменило отбор на государственную службу.\n' >"$TEST_TMP/statya.md"
    pandoc "$TEST_TMP/statya.md" -o "$TEST_TMP/statya.docx"
    new_form ru
    fetch "$BASE/submit?lang=ru" -F csrf="$CSRF" -F form="$FORM" -F nauthors=1 \
        -F "title=Отбор на госслужбу после тестирования" -F mlang=ru -F type=research-article \
        -F "abstract=Куда ушло усмотрение после централизации тестирования." -F "keywords=отбор, тестирование" \
        -F a0_given=Ольга -F a0_family=Иванова -F a0_email=o.ivanova@example.org -F a0_naff=1 \
        -F "a0_aff0_name=Академия государственного управления" -F a0_aff0_country=KZ -F corresponding=0 \
        -F declare_originality=yes -F declare_license=yes -F competing_interests=Нет \
        -F manuscript=@"$TEST_TMP/statya.docx" -F action=submit
    check_eq "the Russian form without the required English translation comes back (422)" 422 "$STATUS"
    check "... saying so in journal submit's words" -- grep -q 'translation' "$TEST_TMP/body"
    check "... the Word file kept" -- grep -q 'statya.docx (загружен; выберите другой, чтобы заменить)' "$TEST_TMP/body"
    fetch "$BASE/submit?lang=ru" -F csrf="$CSRF" -F form="$FORM" -F nauthors=1 \
        -F "title=Отбор на госслужбу после тестирования" -F mlang=ru -F type=research-article \
        -F "abstract=Куда ушло усмотрение после централизации тестирования." -F "keywords=отбор, тестирование" \
        -F "tr_en_title=Recruitment after testing" -F "tr_en_abstract=Where discretion went." -F "tr_en_keywords=recruitment" \
        -F a0_given=Ольга -F a0_family=Иванова -F a0_email=o.ivanova@example.org -F a0_naff=1 \
        -F "a0_aff0_name=Академия государственного управления" -F a0_aff0_country=KZ -F corresponding=0 \
        -F declare_originality=yes -F declare_license=yes -F competing_interests=Нет -F action=submit
    check_eq "the Russian submission with its translation waits for confirmation (200)" 200 "$STATUS"
    for _ in $(seq 100); do [ -n "$(confirm_link_for o.ivanova@example.org)" ] && break; sleep 0.05; done
    RLINK=$(confirm_link_for o.ivanova@example.org)
    check "the Russian author is mailed the link" -- test -n "$RLINK"
    decoded_body o.ivanova@example.org >"$TEST_TMP/mail-ru"
    check "... a Russian mail" -- grep -q 'Подтвердите подачу рукописи: Отбор на госслужбу' "$TEST_TMP/mail-ru"
    fetch "$RLINK"
    check "the confirmation page is in Russian" -- \
        sh -c "grep -q '<html lang=\"ru\">' '$TEST_TMP/body' && grep -q 'Подтвердить подачу' '$TEST_TMP/body'"
    RCSRF=$(field_of csrf)
    # What journal submit is given for it, kept before the confirmation cleans it up.
    RWAIT=$WAITING/$(echo "$RLINK" | sed 's|.*/confirm/\([0-9a-f]*\)/.*|\1|')
    mkdir -p "$TEST_TMP/twinsrc2"
    cp "$RWAIT/manuscript/statya.docx" "$RWAIT/meta.yaml" "$TEST_TMP/twinsrc2/"
    # A server that dies right after the commit, before it cleans up.
    stop_serve
    start_serve JOURNAL_TEST_KILL_AT=desk-after-commit
    RLINK="$BASE/${RLINK#http://*/}"
    before=$(commit_count "$J")
    fetch "$RLINK"
    RCSRF=$(field_of csrf)
    fetch "$RLINK" --data "csrf=$RCSRF"
    for _ in $(seq 200); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.05; done
    check "... the server died at the crash point" -- sh -c "! kill -0 $SERVE_PID 2>/dev/null"
    stop_serve
    check_eq "the server killed after the commit: the submission is committed" $((before + 1)) "$(commit_count "$J")"
    RN=$(git -C "$J" log -1 --format=%s | sed -n 's/^Submit #\([0-9]*\):.*/\1/p')
    git -C "$J" log -1 --format=%B >"$TEST_TMP/ru-commit"
    check "... as a Word submission: the original and its converted text" -- \
        sh -c "[ -f '$J/submissions/$RN/files/original.docx' ] && grep -q 'Централизованное тестирование' '$J/submissions/$RN/manuscript.md' &&
               grep -q '^Converted from: statya.docx (front matter: meta.yaml)' '$TEST_TMP/ru-commit'"
    # journal submit in a copy of the journal as it was before this commit.
    git clone -q "$J" "$TEST_TMP/twin2"
    tgit -C "$TEST_TMP/twin2" reset -q --hard HEAD~1
    sed -i '/^smtp_host:/d' "$TEST_TMP/twin2/journal.yaml"
    (cd "$TEST_TMP/twinsrc2" && "$JOURNAL" -C "$TEST_TMP/twin2" submit statya.docx --metadata meta.yaml \
        >"$TEST_TMP/twin2.out" 2>"$TEST_TMP/twin2.err")
    check_eq "... journal submit of the same Word file and front matter makes the same number" \
        "$RN" "$(head -1 "$TEST_TMP/twin2.out")"
    check_eq "... and the same files" \
        "$(git -C "$TEST_TMP/twin2" ls-tree -r --name-only HEAD "submissions/$RN")" \
        "$(git -C "$J" ls-tree -r --name-only HEAD "submissions/$RN")"
    check "... the same manuscript and original" -- \
        sh -c "cmp '$J/submissions/$RN/manuscript.md' '$TEST_TMP/twin2/submissions/$RN/manuscript.md' &&
               cmp '$J/submissions/$RN/files/original.docx' '$TEST_TMP/twin2/submissions/$RN/files/original.docx'"
    RENTRY=$WAITING/$(echo "$RLINK" | sed 's|.*/confirm/\([0-9a-f]*\)/.*|\1|')
    expect_exit 1 "journal doctor with a confirmed submission not cleaned up reports a problem" -- "$JOURNAL" -C "$J" doctor
    expect_stdout_match "confirmed as submission $RN but not cleaned up" "... and says so"
    start_serve
    RLINK="$BASE/${RLINK#http://*/}"
    fetch "$RLINK"
    check "after the restart the link still asks for confirmation (nothing recorded it yet)" -- \
        grep -q 'Подтвердить подачу' "$TEST_TMP/body"
    RCSRF=$(field_of csrf)
    fetch "$RLINK" --data "csrf=$RCSRF"
    check_eq "confirming again after the crash answers 303" 303 "$STATUS"
    check_eq "... and finds the first: no second submission" $((before + 1)) "$(commit_count "$J")"
    fetch "$RLINK"
    check "... the page gives the submission's number" -- grep -q "под номером $RN" "$TEST_TMP/body"
    check "... and the waiting files are cleaned up" -- sh -c "[ ! -e '$RENTRY/manuscript' ]"
else
    fail "pandoc is needed for the Word submission (scripts/install-deps installs it)"
fi

# --- the hostile corpus in every field ---
XSS=$TEST_TMP/xss.args
"$PY" - "$SOURCE_DIR/tests/xss/front-matter.md" >"$XSS" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
# Every quoted string of the corpus's front matter, one per line (no newlines in them).
strings = [s.replace('\\"', '"') for s in re.findall(r'"((?:[^"\\]|\\.)*)"', text.split('\n---', 1)[0])]
for s in strings[:40]:
    if '\n' not in s and s.strip():
        print(s)
PY
mapfile -t HOSTILE <"$XSS"
check "the hostile corpus gives strings to type" -- test "${#HOSTILE[@]}" -ge 10
h() { printf '%s' "${HOSTILE[$(($1 % ${#HOSTILE[@]}))]}"; }
printf '# T\n\ntext\n' >"$TEST_TMP/x.md"
cp "$TEST_TMP/x.md" "$TEST_TMP/evil.md"
new_form en
# Text fields with --form-string (curl reads nothing into them); the file's name is hostile too.
fetch "$BASE/submit?lang=en" -F csrf="$CSRF" -F form="$FORM" -F nauthors=1 -F a0_naff=1 -F corresponding=0 \
    --form-string "title=$(h 0)" --form-string "subtitle=$(h 1)" --form-string "mlang=$(h 2)" \
    --form-string "type=$(h 3)" --form-string "abstract=$(h 4)" --form-string "keywords=$(h 5)" \
    --form-string "tr_ru_title=$(h 6)" --form-string "tr_ru_abstract=$(h 7)" --form-string "tr_ru_keywords=$(h 8)" \
    --form-string "a0_given=$(h 9)" --form-string "a0_family=$(h 10)" --form-string "a0_email=$(h 11)" \
    --form-string "a0_orcid=$(h 12)" --form-string "a0_aff0_name=$(h 13)" --form-string "a0_aff0_country=$(h 14)" \
    -F "manuscript=@$TEST_TMP/evil.md;filename=<img src=x onerror=alert(1)>.md" \
    -F "attachments=@$TEST_TMP/evil.md;filename=<svg onload=alert(2)>.csv" -F action=submit
check_eq "hostile strings in every field: refused on the page (422)" 422 "$STATUS"
# no_hostile_markup FILE: no element of the corpus's (script, img, svg, iframe) and no on*
# attribute in FILE, as a browser's parser reads it.
no_hostile_markup() {
    "$PY" - "$1" <<'PY'
import html.parser, sys
bad = []
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "svg", "iframe", "object", "embed"):
            bad.append(tag)
        bad.extend(f"{tag}[{k}]" for k, _ in attrs if k.startswith("on") or k in ("autofocus", "formaction"))
P().feed(open(sys.argv[1], encoding="utf-8").read())
print(bad)
sys.exit(1 if bad else 0)
PY
}
check "... and come back escaped: no element or event handler of theirs on the page" -- \
    no_hostile_markup "$TEST_TMP/body"
check "... the hostile file names shown as text" -- \
    sh -c "grep -qF '&lt;img src=x onerror=alert(1)&gt;.md' '$TEST_TMP/body' && grep -qF '&lt;svg onload=alert(2)&gt;.csv' '$TEST_TMP/body'"
check "... shown as text (the title, escaped)" -- grep -q '&lt;script&gt;' "$TEST_TMP/body"

# A valid submission whose title and author are the corpus's: the pages after it escape them too.
new_form en
post_en "$TEST_TMP/x.md" action=submit "title=$(h 0)" "a0_family=$(h 10)" a0_email=xss@example.org
check_eq "a valid submission with the corpus's title and name waits (200)" 200 "$STATUS"
check "... the page saying so has no element or event handler of theirs" -- no_hostile_markup "$TEST_TMP/body"
check "... and shows the title as text" -- grep -q '&lt;script&gt;alert' "$TEST_TMP/body"
for _ in $(seq 100); do [ -n "$(confirm_link_for xss@example.org)" ] && break; sleep 0.05; done
fetch "$(confirm_link_for xss@example.org)"
check_eq "its confirmation page opens (200)" 200 "$STATUS"
check "... with no element or event handler of theirs" -- no_hostile_markup "$TEST_TMP/body"

# A theme without the confirmation mail (made before the desk had one): refused, nothing waits.
tgit -C "$J" rm -q "themes/default/mail/desk-confirm.en.mustache" "themes/default/mail/desk-confirm.ru.mustache"
tgit -C "$J" commit -qm "A theme without the confirmation mail"
waiting_before=$(waiting_count)
new_form en
post_en "$TEST_TMP/x.md" action=submit a0_email=nomail@example.org
check_eq "without the confirmation mail's template the form is refused (500)" 500 "$STATUS"
check_eq "... and nothing is left waiting" "$waiting_before" "$(waiting_count)"
check "... the log names the missing template" -- grep -q "desk-confirm" "$TEST_TMP/serve.log"
tgit -C "$J" checkout HEAD~1 -- themes/default/mail
tgit -C "$J" commit -qm "The confirmation mail back"

# --- a confirmation the journal's rules no longer allow: refused, nothing recorded ---
printf '# T\n\nshort text\n' >"$TEST_TMP/short.md"
new_form en
post_en "$TEST_TMP/short.md" action=submit a0_email=changed@example.org "attachments=@$TEST_TMP/data.csv"
check_eq "a submission waits (200)" 200 "$STATUS"
for _ in $(seq 100); do [ -n "$(confirm_link_for changed@example.org)" ] && break; sleep 0.05; done
CLINK=$(confirm_link_for changed@example.org)
fetch "$CLINK"
CCSRF=$(field_of csrf)
cp "$J/journal.yaml" "$TEST_TMP/journal.yaml.before"
echo "max_attachment_size: 10" >>"$J/journal.yaml"
sed -i '/^max_attachment_size: 20000$/d' "$J/journal.yaml"
tgit -C "$J" commit -qam "Attachments of 10 bytes at most"
before=$(commit_count "$J")
fetch "$CLINK" --data "csrf=$CCSRF"
check_eq "confirming a submission the journal's limits now refuse: 422" 422 "$STATUS"
check "... a page that says why and what to do" -- grep -q "requirements changed after the manuscript was sent" "$TEST_TMP/body"
check_eq "... nothing recorded" "$before" "$(commit_count "$J")"
check "... the office finds journal submit's reason in the log" -- \
    grep -q "confirmation refused: .*data.csv: .*max_attachment_size" "$TEST_TMP/serve.log"
cp "$TEST_TMP/journal.yaml.before" "$J/journal.yaml"
tgit -C "$J" commit -qam "Attachment limit back"

# --- expiry ---
new_form en
printf '# T\n\nshort text\n' >"$TEST_TMP/short.md"
post_en "$TEST_TMP/short.md" action=submit a0_email=late@example.org
check_eq "another submission waits (200)" 200 "$STATUS"
for _ in $(seq 100); do [ -n "$(confirm_link_for late@example.org)" ] && break; sleep 0.05; done
LATE=$(confirm_link_for late@example.org)
LID=$(echo "$LATE" | sed 's|.*/confirm/\([0-9a-f]*\)/.*|\1|')
check "... its folder is there" -- test -d "$WAITING/$LID"
"$PY" - "$WAITING/$LID/entry.json" <<'PY'
import json, sys, time
p = sys.argv[1]
e = json.load(open(p))
e["created"] = int(time.time()) - 73 * 3600
json.dump(e, open(p, "w"))
PY
mkdir -p "$WAITING/0123456789abcdef0123456789abcdef"
echo '{"created": "yesterday"' >"$WAITING/0123456789abcdef0123456789abcdef/entry.json"
expect_exit 1 "journal doctor with a waiting submission past desk_confirm_hours reports a problem" -- "$JOURNAL" -C "$J" doctor
expect_stdout_match "expired \(made 7[23] hours ago, desk_confirm_hours is 72\)" "... says it is expired, not deleted yet"
expect_stdout_match "waiting/0123456789abcdef0123456789abcdef: an unreadable waiting submission" "... and names an unreadable one"
rm -rf "$WAITING/0123456789abcdef0123456789abcdef"
before=$(commit_count "$J")
fetch "$BASE/submit"
check "the next request deletes it (desk_confirm_hours: 72)" -- sh -c "[ ! -e '$WAITING/$LID' ]"
fetch "$LATE"
check_eq "its link is a 404" 404 "$STATUS"
check_eq "nothing was committed" "$before" "$(commit_count "$J")"

# A desk nobody submits to forgets too: the first request of any kind after a start expires
# (here the confirmed English submission's record, kept until then to answer its link).
stop_serve
"$PY" - "$ENTRY/entry.json" <<'PY'
import json, sys, time
p = sys.argv[1]
e = json.load(open(p))
e["created"] = int(time.time()) - 100 * 3600
json.dump(e, open(p, "w"))
PY
start_serve
fetch "$BASE/"
check "a restarted desk's first request, to any page, deletes what has expired" -- \
    sh -c "[ ! -e '$ENTRY' ]"

# --- submissions per client address and hour (desk_submissions_per_hour) ---
stop_serve
echo "desk_submissions_per_hour: 1" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "One submission an hour from one address"
start_serve
waiting_before=$(waiting_count)
new_form en
post_en "$TEST_TMP/paper.md" action=submit
check_eq "the first submission of the hour is accepted (200)" 200 "$STATUS"
check_eq "... and waits" $((waiting_before + 1)) "$(waiting_count)"
new_form en
post_en "$TEST_TMP/paper.md" action=submit "title=A second one within the hour"
check_eq "the second from the same address within the hour is refused (429)" 429 "$STATUS"
check "... with a page that says so" -- grep -q 'as many submissions as the journal accepts in an hour' "$TEST_TMP/body"
check_eq "... and nothing more waits" $((waiting_before + 1)) "$(waiting_count)"
new_form en
post_en "$TEST_TMP/paper.pdf" action=submit
check_eq "a form with an error is still answered with its errors, not counted (422)" 422 "$STATUS"
fetch "$BASE/submit?lang=en" -H 'X-Forwarded-For: 198.51.100.7'
FORM=$(field_of form)
CSRF=$(field_of csrf)
post_en "$TEST_TMP/paper.md" action=submit -H 'X-Forwarded-For: 198.51.100.7' "title=From behind the proxy"
check_eq "another client behind the proxy on this host (X-Forwarded-For) has its own allowance" 200 "$STATUS"

# --- the site links the form, in each language, from the home page and the author guidelines ---
echo "search: false" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "No search index for this test"
expect_exit 0 "build-site with desk_url set" -- "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site"
for page in index.html author-guidelines/index.html; do
    check "$page links 'Submit a manuscript' to the English form" -- \
        grep -qF "<a class=\"button\" href=\"${BASE%:*}:" "$TEST_TMP/site/$page"
    check "... at /submit?lang=en" -- \
        grep -qE 'href="http://127\.0\.0\.1:[0-9]+/submit\?lang=en">Submit a manuscript</a>' "$TEST_TMP/site/$page"
    check "ru/$page links 'Подать рукопись' to the Russian form" -- \
        grep -qE 'href="http://127\.0\.0\.1:[0-9]+/submit\?lang=ru">Подать рукопись</a>' "$TEST_TMP/site/ru/$page"
done

# --- the settings, refused with where and what is expected ---
B=$TEST_TMP/badcfg
new_journal "$B" || finish
cp "$B/journal.yaml" "$TEST_TMP/good.yaml"
bad_setting() {
    local desc=$1 yaml=$2 want=$3
    cp "$TEST_TMP/good.yaml" "$B/journal.yaml"
    printf '%s\n' "$yaml" >>"$B/journal.yaml"
    tgit -C "$B" commit -qam "$desc"
    expect_exit 1 "journal.yaml with $desc is refused" -- "$JOURNAL" -C "$B" queue
    expect_stderr_match "journal.yaml:[0-9]+:[0-9]+: .*$want" "... saying where and what is expected"
}
bad_setting "desk_confirm_hours: 0" "desk_confirm_hours: 0" "'desk_confirm_hours' must be a positive whole number"
bad_setting "an unknown declaration" "desk_declarations: [originality, honesty]" "unknown declaration 'honesty'"
bad_setting "a call without an id" "calls: [{title: Reform, deadline: 2027-03-31}]" "a call needs an id"
bad_setting "a call with a bad deadline" "calls: [{id: reform, title: Reform, deadline: 31.03.2027}]" "'deadline' must be a date written YYYY-MM-DD"

stop_serve
check "no sanitizer report from the server" -- \
    sh -c "! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$TEST_TMP/serve.log'"
finish
