#!/usr/bin/env bash
# The review form behind the reviewer's link (journal serve, driven with curl on loopback):
# a draft saved on the server survives a restart; sending records the review in one commit
# exactly as `journal review --as` does; the reviewer amends it until the editor decides;
# then the page is read-only and a post is refused with the repository unchanged; declined and
# withdrawn invitations take no review; CSRF, an oversize file (413), a wrong file type (the
# field's error, the typed text kept), the same form twice (one review), the hostile strings
# of tests/xss/ in every field; `journal doctor` reports drafts that can no longer be sent.
. "$(dirname "$0")/lib.sh"

if ! command -v curl >/dev/null; then
    fail "curl is needed to drive journal serve"
    finish
fi
smtp_sink
SERVE_PID=
stop_serve() {
    if [ -n "$SERVE_PID" ]; then
        kill "$SERVE_PID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$SERVE_PID" 2>/dev/null
        wait "$SERVE_PID" 2>/dev/null
        SERVE_PID=
    fi
}
trap 'stop_serve; stop_sink; [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$TEST_TMP"' EXIT

J=$TEST_TMP/sample
sample_journal "$J" || finish
sed -i 's/^review_mode: .*/review_mode: open/' "$J/journal.yaml"
cat >>"$J/journal.yaml" <<YAML
max_attachment_size: 4096
mail_from_address: office@journal.example.org
mail_from_name: "Editorial Office"
smtp_host: 127.0.0.1
smtp_port: $SINK_PORT
smtp_tls: none
YAML
tgit -C "$J" commit -qam "Open review, mail settings"

SERVE_LOG=$TEST_TMP/serve.log
# The desk's secret from the environment, as a deployment sets it, so that a form made before a
# restart is still the desk's after it (without it each start makes a new one).
export JOURNAL_DESK_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# start_serve [PORT]: the desk on PORT (any free one when not given); sets BASE.
start_serve() {
    : >"$TEST_TMP/serve.out"
    "$JOURNAL" -C "$J" serve --listen "127.0.0.1:${1:-0}" >"$TEST_TMP/serve.out" 2>>"$SERVE_LOG" &
    SERVE_PID=$!
    for _ in $(seq 200); do grep -q 'listening on' "$TEST_TMP/serve.out" 2>/dev/null && break; sleep 0.05; done
    BASE=$(sed -n 's|.*listening on \(http://[^ ]*\)/$|\1|p' "$TEST_TMP/serve.out")
}
start_serve
check "journal serve listens" -- test -n "$BASE"
[ -n "$BASE" ] || finish
PORT=${BASE##*:}
echo "desk_url: \"$BASE/\"" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "The front desk's address"

link_for() { decoded "$1" | grep -oE "$BASE/review/[0-9]+/[0-9a-f]{64}" | tail -1; }
fetch() {
    local url=$1
    shift
    STATUS=$(curl -s -o "$TEST_TMP/body" -D "$TEST_TMP/headers" -w '%{http_code}' "$@" "$url")
}
field_of() { sed -n "s/.*name=\"$1\" value=\"\\([0-9a-z]*\\)\".*/\\1/p" "$TEST_TMP/body" | head -1; }

V=victoria-ciobanu
expect_exit 0 "assign a reviewer" -- "$JOURNAL" -C "$J" assign 10 --reviewer $V --override-conflict "tested"
LINK=$(link_for v.ciobanu@example.org)
check "the invitation mails the link" -- test -n "$LINK"
fetch "$LINK"
check "before accepting, the page has no review form" -- sh -c "! grep -q 'name=\"comments\"' '$TEST_TMP/body'"
fetch "$LINK/answer" --data "answer=accept&csrf=$(field_of csrf)"
check_eq "the reviewer accepts" 303 "$STATUS"

fetch "$LINK"
check "once accepted, the page shows the review form" -- \
    sh -c "grep -q '<textarea id=\"comments\" name=\"comments\"' '$TEST_TMP/body' &&
           grep -q 'name=\"confidential\"' '$TEST_TMP/body' && grep -q 'type=\"file\" id=\"file\" name=\"file\"' '$TEST_TMP/body'"
for v in accept minor-revision major-revision reject; do
    check "... with the verdict $v" -- grep -q "name=\"verdict\" value=\"$v\"" "$TEST_TMP/body"
done
check "... and, under open review, the choice to sign" -- grep -q 'name="sign"' "$TEST_TMP/body"
check "... a form for files" -- grep -q 'enctype="multipart/form-data"' "$TEST_TMP/body"
CSRF=$(field_of csrf)
BASED=$(field_of based)
check "the form carries its CSRF token" -- test -n "$CSRF"

# --- Save draft: on the server, nothing in git ---
printf 'The method section is clear.\nThe second table needs units.\n' >"$TEST_TMP/comments.txt"
printf 'I know this group; no conflict.\n' >"$TEST_TMP/confidential.txt"
printf '%%PDF-1.4 annotated manuscript\n' >"$TEST_TMP/notes.pdf"
snapshot "$J" >"$TEST_TMP/before"
fetch "$LINK/review" -F "csrf=$CSRF" -F "based=$BASED" -F "verdict=minor-revision" \
    -F "comments=<$TEST_TMP/comments.txt" -F "confidential=<$TEST_TMP/confidential.txt" \
    -F "file=@$TEST_TMP/notes.pdf" -F "sign=yes" -F "save=1"
check_eq "Save draft answers 303, back to the page" 303 "$STATUS"
expect_unchanged "$TEST_TMP/before" "$J" "... and writes nothing in the repository"
DRAFT=$J/.journal/desk/drafts/10-$V.json
check "the draft is kept under .journal/desk/drafts/" -- \
    sh -c "grep -q 'The second table needs units' '$DRAFT' && cmp -s '$TEST_TMP/notes.pdf' '${DRAFT%.json}.upload'"

# --- a restart loses nothing ---
stop_serve
start_serve "$PORT"
check "the desk starts again on the same address" -- test "$BASE" = "http://127.0.0.1:$PORT"
fetch "$LINK"
check_eq "after a restart the page opens" 200 "$STATUS"
check "... with the draft's comments in the form" -- grep -q 'The second table needs units.' "$TEST_TMP/body"
check "... its confidential comments" -- grep -q 'I know this group; no conflict.' "$TEST_TMP/body"
check "... its verdict chosen" -- grep -q 'value="minor-revision" checked' "$TEST_TMP/body"
check "... its file named" -- grep -q 'notes.pdf' "$TEST_TMP/body"
check "... and the choice to sign kept" -- grep -q 'name="sign" value="yes" checked' "$TEST_TMP/body"
check "... and when it was saved" -- grep -q 'Draft saved on the server' "$TEST_TMP/body"
fetch "$LINK?lang=ru"
check "the form in Russian" -- sh -c "grep -q 'Замечания для автора' '$TEST_TMP/body' && grep -q 'Сохранить черновик' '$TEST_TMP/body'"

# --- refused posts write nothing ---
snapshot "$J" >"$TEST_TMP/before"
cp "$DRAFT" "$TEST_TMP/draft.before"
fetch "$LINK/review" -F "based=$BASED" -F "verdict=reject" -F "comments=x" -F "send=1"
check_eq "a review without its CSRF token is refused (403)" 403 "$STATUS"
fetch "$LINK/review" -F "csrf=$(printf '0%.0s' $(seq 64))" -F "based=$BASED" -F "verdict=reject" \
    -F "comments=x" -F "send=1"
check_eq "a review with a wrong CSRF token is refused (403)" 403 "$STATUS"
check "... and the draft is untouched" -- cmp -s "$DRAFT" "$TEST_TMP/draft.before"
head -c 5000 /dev/zero >"$TEST_TMP/big.pdf"
fetch "$LINK/review" -F "csrf=$CSRF" -F "based=$BASED" -F "verdict=reject" \
    -F "comments=Typed before the big file" -F "file=@$TEST_TMP/big.pdf" -F "send=1"
check_eq "a file over max_attachment_size is refused (413)" 413 "$STATUS"
check "... saying so next to the file field" -- \
    sh -c "grep -q 'id=\"file-error\"' '$TEST_TMP/body' && grep -q 'max_attachment_size' '$TEST_TMP/body'"
check "... with the typed text kept" -- grep -q 'Typed before the big file' "$TEST_TMP/body"
printf '<html><script>alert(1)</script></html>' >"$TEST_TMP/evil.html"
fetch "$LINK/review" -F "csrf=$CSRF" -F "based=$BASED" -F "verdict=reject" \
    -F "comments=Typed before the wrong file" -F "file=@$TEST_TMP/evil.html" -F "send=1"
check_eq "a wrong file type is refused on the page (422)" 422 "$STATUS"
check "... with the field's error" -- \
    sh -c "grep -q 'id=\"file-error\"' '$TEST_TMP/body' && grep -q 'aria-invalid=\"true\" *>\\|file-error' '$TEST_TMP/body' && grep -q 'expected a PDF' '$TEST_TMP/body'"
check "... the typed text kept on the page" -- grep -q 'Typed before the wrong file' "$TEST_TMP/body"
check "... and in the draft on the server" -- grep -q 'Typed before the wrong file' "$DRAFT"
check "... which keeps the file saved before" -- grep -q 'notes.pdf' "$TEST_TMP/body"
expect_unchanged "$TEST_TMP/before" "$J" "the refused reviews left the repository unchanged"

# --- the hostile strings of tests/xss/ in every field come back escaped ---
XSS=$SOURCE_DIR/tests/xss/review.md
fetch "$LINK/review" -F "csrf=$CSRF" -F "based=$BASED" --form-string "verdict=<script>alert('v')</script>" \
    -F "comments=<$XSS" -F "confidential=<$XSS" \
    -F "file=@$TEST_TMP/notes.pdf;filename=<img src=x onerror=alert('f')>.pdf" -F "send=1"
check_eq "a post with hostile text everywhere comes back to the page (422: no verdict)" 422 "$STATUS"
check "... no script, image or svg of theirs on the page" -- \
    sh -c "! grep -qiE '<script|<img src=x|<svg onload' '$TEST_TMP/body'"
check "... the comments escaped, kept" -- grep -qF "Review &lt;script&gt;alert(" "$TEST_TMP/body"
check "... the file name escaped" -- grep -qF "&lt;img src=x onerror=alert(" "$TEST_TMP/body"
check "... the verdict's error next to it" -- grep -q 'id="verdict-error"' "$TEST_TMP/body"

# --- send: one commit, as `journal review --as` ---
fetch "$LINK/review" -F "csrf=$CSRF" -F "based=$BASED" -F "verdict=minor-revision" \
    -F "comments=<$TEST_TMP/comments.txt" -F "confidential=<$TEST_TMP/confidential.txt" \
    -F "file=@$TEST_TMP/notes.pdf" -F "sign=yes" -F "save=1"
cp -a "$J" "$TEST_TMP/cli"
before=$(commit_count "$J")
fetch "$LINK/review" -F "csrf=$CSRF" -F "based=$BASED" -F "verdict=minor-revision" \
    -F "comments=<$TEST_TMP/comments.txt" -F "confidential=<$TEST_TMP/confidential.txt" \
    -F "sign=yes" -F "send=1"
check_eq "sending the review answers 303" 303 "$STATUS"
check_eq "... in one commit" $((before + 1)) "$(commit_count "$J")"
R=submissions/10/reviews/round-1
check "the review is recorded with the draft's file" -- \
    sh -c "grep -q 'verdict: minor-revision' '$J/$R/$V.yaml' && grep -q 'file: $V.pdf' '$J/$R/$V.yaml' &&
           cmp -s '$TEST_TMP/notes.pdf' '$J/$R/$V.pdf'"
check "the draft is deleted" -- sh -c "! test -e '$DRAFT' && ! test -e '${DRAFT%.json}.upload'"
expect_exit 0 "the same review through journal review --as" -- \
    "$JOURNAL" -C "$TEST_TMP/cli" review 10 --as $V --verdict minor-revision \
    --comments "$TEST_TMP/comments.txt" --confidential "$TEST_TMP/confidential.txt" \
    --file "$TEST_TMP/notes.pdf" --sign
check "the desk's review is the CLI's, byte for byte" -- \
    sh -c "cmp '$J/$R/$V.yaml' '$TEST_TMP/cli/$R/$V.yaml' && cmp '$J/$R/$V.pdf' '$TEST_TMP/cli/$R/$V.pdf'"
check "... the commit changes the same files, with the same message" -- \
    sh -c "[ \"\$(git -C '$J' show --stat --format=%s HEAD | sed '\$d')\" = \"\$(git -C '$TEST_TMP/cli' show --stat --format=%s HEAD | sed '\$d')\" ]"
check "... and the same timeline event" -- \
    bash -c "diff <(git -C '$J' show HEAD -- submissions/10/submission.yaml | grep '^[-+] ') \
                <(git -C '$TEST_TMP/cli' show HEAD -- submissions/10/submission.yaml | grep '^[-+] ')"

# --- the same form twice: one review ---
fetch "$LINK/review" -F "csrf=$CSRF" -F "based=$BASED" -F "verdict=minor-revision" \
    -F "comments=<$TEST_TMP/comments.txt" -F "send=1"
check_eq "the same form posted again answers 303" 303 "$STATUS"
check_eq "... and records nothing more" $((before + 1)) "$(commit_count "$J")"

# --- amend, until the editor decides ---
fetch "$LINK"
check "the page says the review was received, with its date" -- \
    sh -c "grep -q 'Your review was received' '$TEST_TMP/body' && grep -q \"datetime=\\\"$(sed -n 's/^submitted: //p' "$J/$R/$V.yaml")\\\"\" '$TEST_TMP/body'"
check "... and offers the recorded review to amend" -- grep -q 'The second table needs units.' "$TEST_TMP/body"
BASED2=$(field_of based)
check "... the form made from the recorded review" -- sh -c "[ -n '$BASED2' ] && [ '$BASED2' != '$BASED' ]"
# Sent four times at the same moment (clicks in a hurry): one amendment.
for i in 1 2 3 4; do
    curl -s -o /dev/null -w '%{http_code}\n' -F "csrf=$CSRF" -F "based=$BASED2" -F "verdict=major-revision" \
        -F "comments=Amended: the second table is wrong." -F "confidential=QX-CONF-77 for the editor" \
        -F "send=1" "$LINK/review" >"$TEST_TMP/amend.$i" &
    pids="${pids:-} $!"
done
wait $pids
check_eq "amending, sent four times at once, answers 303 to each" "303 303 303 303" \
    "$(cat "$TEST_TMP"/amend.[1-4] | tr '\n' ' ' | sed 's/ $//')"
check_eq "... in one commit" $((before + 2)) "$(commit_count "$J")"
check "the review is replaced, its first date kept, the amendment dated" -- \
    sh -c "grep -q 'verdict: major-revision' '$J/$R/$V.yaml' && grep -q 'amended:' '$J/$R/$V.yaml' &&
           grep -q 'Amended: the second table' '$J/$R/$V.yaml' && ! grep -q 'no conflict' '$J/$R/$V.yaml'"
check "... the commit says it is an amendment" -- \
    sh -c "git -C '$J' log -1 --format=%s | grep -q '^Amend review of #10 by $V'"
# A draft saved after the review, then left when the editor decides.
fetch "$LINK"
fetch "$LINK/review" -F "csrf=$CSRF" -F "based=$(field_of based)" -F "verdict=reject" \
    -F "comments=A second thought, never sent." -F "save=1"
check_eq "a draft of an amendment is saved" 303 "$STATUS"

# --- a declined and a withdrawn invitation take no review ---
expect_exit 0 "assign a second reviewer" -- "$JOURNAL" -C "$J" assign 10 --reviewer asel-bekova --override-conflict "tested"
LINK2=$(link_for a.bekova@example.org)
fetch "$LINK2"
fetch "$LINK2/answer" --data "answer=decline&csrf=$(field_of csrf)"
check_eq "the second reviewer declines" 303 "$STATUS"
fetch "$LINK2"
check "a declined invitation's page has no review form" -- sh -c "! grep -q 'name=\"comments\"' '$TEST_TMP/body'"
snapshot "$J" >"$TEST_TMP/before"
fetch "$LINK2/review" -F "csrf=$CSRF" -F "verdict=reject" -F "comments=Declined, yet." -F "send=1"
check_eq "a review on a declined invitation is refused (409)" 409 "$STATUS"
check "... with a page saying the review can no longer be sent" -- \
    grep -q 'The review can no longer be sent' "$TEST_TMP/body"
expect_unchanged "$TEST_TMP/before" "$J" "... the repository unchanged"
expect_exit 0 "assign a third reviewer" -- "$JOURNAL" -C "$J" assign 10 --reviewer nurlan-abenov --override-conflict "tested"
LINK3=$(link_for n.abenov@example.org)
fetch "$LINK3"
fetch "$LINK3/answer" --data "answer=accept&csrf=$(field_of csrf)"
fetch "$LINK3"
CSRF3=$(field_of csrf)
BASED3=$(field_of based)
fetch "$LINK3/review" -F "csrf=$CSRF3" -F "based=$BASED3" -F "verdict=accept" -F "comments=Draft of a withdrawn reviewer." -F "save=1"
expect_exit 0 "the editor withdraws the third invitation" -- "$JOURNAL" -C "$J" assign 10 --withdraw nurlan-abenov
snapshot "$J" >"$TEST_TMP/before"
fetch "$LINK3/review" -F "csrf=$CSRF3" -F "based=$BASED3" -F "verdict=accept" -F "comments=Too late." -F "send=1"
check_eq "a review on a withdrawn invitation is refused (404, as its link)" 404 "$STATUS"
expect_unchanged "$TEST_TMP/before" "$J" "... the repository unchanged"

# --- the editor decides: the link shows the review received, read-only ---
expect_exit 0 "the editor decides" -- "$JOURNAL" -C "$J" decide 10 revise
fetch "$LINK"
check_eq "after the decision the link still opens" 200 "$STATUS"
check "... showing the review received, with its date" -- \
    sh -c "grep -q 'Your review was received' '$TEST_TMP/body' && grep -q 'can no longer be changed' '$TEST_TMP/body'"
check "... and no form" -- sh -c "! grep -q '<form' '$TEST_TMP/body'"
snapshot "$J" >"$TEST_TMP/before"
fetch "$LINK/review" -F "csrf=$CSRF" -F "based=$BASED2" -F "verdict=accept" -F "comments=After the decision." -F "send=1"
check_eq "a review posted after the decision is refused (409)" 409 "$STATUS"
check "... with a clear page" -- grep -q 'The review can no longer be sent' "$TEST_TMP/body"
expect_unchanged "$TEST_TMP/before" "$J" "... the repository unchanged"
check "the amended review keeps its confidential comments for the editor" -- grep -q 'QX-CONF-77' "$J/$R/$V.yaml"
check "... which the decision's letter does not carry" -- \
    sh -c "git -C '$J' show HEAD | grep -q '^+' && ! git -C '$J' show HEAD | grep -q 'QX-CONF-77'"
check "... nor any mail" -- sh -c "! grep -rq 'QX-CONF-77' '$MAIL'"

# --- journal doctor: drafts that can no longer be sent ---
printf '{"number": 10, "round":' >"$J/.journal/desk/drafts/10-broken.json"
expect_exit 1 "journal doctor reports the drafts" -- "$JOURNAL" -C "$J" doctor
doctor_out=$("$JOURNAL" -C "$J" doctor 2>&1)
check "... a draft that does not read" -- sh -c "printf '%s' \"\$1\" | grep -q '10-broken.json.*not a review draft'" _ "$doctor_out"
check "... a draft of a decided round" -- sh -c "printf '%s' \"\$1\" | grep -q '10-$V.json.*editor has decided'" _ "$doctor_out"
check "... a draft of a withdrawn invitation" -- sh -c "printf '%s' \"\$1\" | grep -q '10-nurlan-abenov.json.*withdrawn'" _ "$doctor_out"
check "... saying how to clear them" -- sh -c "printf '%s' \"\$1\" | grep -q 'remove the draft with rm'" _ "$doctor_out"

# --- journal review --file checks the type as the desk does ---
printf 'x\n' >"$TEST_TMP/c.txt"
expect_exit 1 "journal review --file refuses a web page" -- \
    "$JOURNAL" -C "$TEST_TMP/cli" review 10 --as $V --amend --verdict accept --comments "$TEST_TMP/c.txt" --file "$TEST_TMP/evil.html"
expect_stderr_match "evil.html: expected a PDF" "... saying which types it takes"

check "no token reached the server's log" -- sh -c "! grep -qE '[0-9a-f]{64}' '$SERVE_LOG'"
check "no sanitizer report from the server" -- \
    sh -c "! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$SERVE_LOG'"
finish
