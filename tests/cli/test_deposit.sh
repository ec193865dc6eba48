#!/usr/bin/env bash
# journal deposit: the Crossref deposit of an issue, validated against the 5.3.1 XSD
# (xmllint, offline with the catalog), POSTed to a stand-in for Crossref on 127.0.0.1
# (tests/support/crossref_stub.py) that checks the multipart body; each attempt is one
# commit (deposits/<batch>.yaml), submitted or failed; --status; and every input that
# must be refused before anything is sent (exit 1, repository unchanged).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
STUB=$SOURCE_DIR/tests/support/crossref_stub.py
CROSSREF_SPECS=$CROSSREF_SCHEMA_DIR
XSD=$CROSSREF_SPECS/schemas/crossref5.3.1.xsd
if ! command -v xmllint >/dev/null; then
    fail "xmllint is missing (scripts/install-deps installs libxml2-utils)"
    finish
fi
if [ ! -f "$XSD" ]; then
    fail "the Crossref schema is missing: $XSD"
    finish
fi
# journal deposit validates against the schemas compiled into it: nothing is configured here
# (--schema and JOURNAL_CROSSREF_SCHEMA_DIR, which name another copy, are tested below).
unset JOURNAL_CROSSREF_SCHEMA_DIR
unset CROSSREF_LOGIN_ID CROSSREF_PASSWORD
LOGIN=depositor-1
PASSWORD='pw-S3cret/&"x'

# validate FILE: xmllint against the XSD, offline.
validate() {
    XML_CATALOG_FILES=$CROSSREF_SPECS/catalog.xml xmllint --nonet --noout --schema "$XSD" "$1"
}

STUB_PID=
stop_stub() {
    if [ -n "$STUB_PID" ]; then
        kill "$STUB_PID" 2>/dev/null
        wait "$STUB_PID" 2>/dev/null
        STUB_PID=
    fi
}
trap 'stop_stub; [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$TEST_TMP"' EXIT
RECEIVED=$TEST_TMP/received
ANSWERS=$TEST_TMP/answers
start_stub() {
    local portfile=$TEST_TMP/port
    rm -f "$portfile"
    "$PY" "$STUB" --dir "$RECEIVED" --port-file "$portfile" --answers "$ANSWERS" \
        --login "$LOGIN" --password "$PASSWORD" --prefix 10.99999/ --port "${1:-0}" \
        >>"$TEST_TMP/stub.log" 2>&1 &
    STUB_PID=$!
    for _ in $(seq 200); do
        [ -s "$portfile" ] && break
        sleep 0.05
    done
    STUB_PORT=$(cat "$portfile" 2>/dev/null)
}
# requests: how many deposits the stub has received.
requests() { [ -f "$RECEIVED/requests.log" ] && wc -l <"$RECEIVED/requests.log" || echo 0; }
# request_field N EXPR: a Python expression over request N's log entry `e`.
request_field() {
    "$PY" - "$RECEIVED/requests.log" "$1" "$2" <<'PY'
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
e = entries[int(sys.argv[2]) - 1]
print(eval(sys.argv[3]))
PY
}
# attempt FIELD FILE: a field of a deposits/<batch>.yaml record.
attempt_field() { sed -n "s/^$1: //p" "$2" | tr -d "'\""; }

echo success >"$ANSWERS"
mkdir -p "$RECEIVED"
start_stub
check "the Crossref stand-in listens on 127.0.0.1:$STUB_PORT" -- test -n "$STUB_PORT"

# The sample journal, with DOIs for both issues (build-issue --correct assigns them) and the
# endpoints pointing at the stub.
J=$TEST_TMP/sample
sample_journal "$J" || finish
for issue in 1 2; do
    expect_exit 0 "issue $issue gets its DOIs" -- \
        in_dir "$J" "$JOURNAL" build-issue "$issue" --correct "DOIs assigned"
done
cat >>"$J/journal.yaml" <<YAML
crossref_endpoint: "http://127.0.0.1:$STUB_PORT/servlet/deposit"
crossref_test_endpoint: "http://127.0.0.1:$STUB_PORT/test/servlet/deposit"
YAML
tgit -C "$J" commit -q -am "Crossref endpoints: the local stand-in"
# Article 1 reports its funding (added to the committed manuscript): Crossref's funding data.
"$PY" - "$J/submissions/1/manuscript.md" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
funding = ("funding:\n  statement: \"Funded by the Science Committee (AP19680123).\"\n"
           "  awards:\n    - id: AP19680123\n      source:\n"
           "        text: \"Science Committee of the Ministry of Science & Higher Education\"\n"
           "        funder-id: 10.13039/501100004561\n")
open(path, "w", encoding="utf-8").write(text.replace("\nkeywords:", "\n" + funding + "keywords:", 1))
PY
tgit -C "$J" commit -q -am "Article 1's funding"
DOIS1=$(sed -n 's/^doi: //p' "$J"/submissions/{1,2,3,4,5}/submission.yaml | sort)
check_eq "issue 1 has five DOIs under 10.99999" 5 "$(grep -c '^10\.99999/' <<<"$DOIS1")"

expect_exit 0 "journal help deposit" -- "$JOURNAL" help deposit
expect_stdout_match "POST it to Crossref's deposit" "the help describes the deposit"

# --- dry run: the XML, validated, nothing sent or recorded ---
snapshot "$J" >"$TEST_TMP/before"
expect_exit 0 "deposit --dry-run prints the deposit" -- in_dir "$J" "$JOURNAL" deposit 1 --dry-run
cp "$OUT" "$TEST_TMP/dry.xml"
expect_stderr_match "validated against Crossref's schema 5.3.1; \[dry run" \
    "the dry run was validated by journal, with no schema configured (the one built in)"
check "the dry run validates against crossref5.3.1.xsd (xmllint)" -- validate "$TEST_TMP/dry.xml"
for doi in $DOIS1; do
    grep -q "<doi>$doi</doi>" "$TEST_TMP/dry.xml" || fail "the dry run has DOI $doi"
done
pass "the dry run has every DOI of issue 1"
expect_stdout_match '<ORCID>https://orcid.org/0000-0003-5882-8559</ORCID>' "ORCID iDs as URLs"
expect_stdout_match '<person_name sequence="first" contributor_role="author">' "the first author"
expect_stdout_match '<ai:license_ref applies_to="vor" start_date="2025-06-30">https://creativecommons.org/licenses/by/4.0/</ai:license_ref>' \
    "the licence as an access indicator"
expect_stdout_match "<resource>${TEST_BASE_URL}articles/1/index.html</resource>" \
    "the resource URL is the article's page"
expect_stdout_match '<citation key="ref1">' "the references as a citation list"
expect_stdout_match '<email_address>office@journal.example.org</email_address>' "the depositor"
check_eq "the funding as Crossref's funding data: funder, its Funder Registry id, the award" \
    "Science Committee of the Ministry of Science & Higher Education|https://doi.org/10.13039/501100004561|AP19680123" \
    "$("$PY" - "$TEST_TMP/dry.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
FR = "{http://www.crossref.org/fundref.xsd}"
program = ET.parse(sys.argv[1]).getroot().find(".//" + FR + "program")
group = program.find(FR + "assertion")
name = group.find(FR + "assertion[@name='funder_name']")
print("|".join([name.text, name.find(FR + "assertion").text,
                group.find(FR + "assertion[@name='award_number']").text]))
PY
)"
expect_exit 0 "deposit --dry-run -o FILE" -- \
    in_dir "$J" "$JOURNAL" deposit 1 --dry-run -o "$TEST_TMP/dry2.xml"
check "-o FILE holds a valid deposit" -- validate "$TEST_TMP/dry2.xml"
check_eq "--dry-run -o prints nothing on stdout" "" "$(cat "$OUT")"
expect_unchanged "$TEST_TMP/before" "$J" "a dry run leaves the repository unchanged"
check_eq "a dry run sends nothing" 0 "$(requests)"

# --- credentials come from the environment only ---
expect_exit 1 "deposit without credentials is refused" -- in_dir "$J" "$JOURNAL" deposit 1 --test
expect_stderr_match 'CROSSREF_LOGIN_ID.*CROSSREF_PASSWORD' "the message names the variables"
expect_unchanged "$TEST_TMP/before" "$J" "no credentials: repository unchanged"
check_eq "no credentials: nothing sent" 0 "$(requests)"
export CROSSREF_LOGIN_ID=$LOGIN
expect_exit 1 "deposit with a login but no password is refused" -- \
    in_dir "$J" "$JOURNAL" deposit 1 --test
expect_unchanged "$TEST_TMP/before" "$J" "no password: repository unchanged"
export CROSSREF_PASSWORD=$PASSWORD

# --- a deposit that succeeds ---
COMMITS=$(commit_count "$J")
expect_exit 0 "deposit 1 --test succeeds" -- in_dir "$J" "$JOURNAL" deposit 1 --test
expect_stdout_match 'Deposited issue 1 with Crossref \(test' "it says the deposit was received"
check_eq "one request reached the stub" 1 "$(requests)"
check_eq "one commit records the attempt" $((COMMITS + 1)) "$(commit_count "$J")"
check_eq "the stub found nothing wrong in the multipart body" "[]" "$(request_field 1 'e["problems"]')"
check_eq "the form has operation, login_id, login_passwd and fname" \
    "['fname', 'login_id', 'login_passwd', 'operation']" "$(request_field 1 'e["fields"]')"
check_eq "the login and password were sent" "depositor-1 True" \
    "$(request_field 1 'e["login_id"], e["password_ok"]' | tr -d "(),'")"
check_eq "--test posts to the test endpoint" "/test/servlet/deposit" "$(request_field 1 'e["path"]')"
check "the deposit received validates (xmllint)" -- validate "$RECEIVED/1.xml"
check_eq "the deposit received has issue 1's DOIs" "$(echo $DOIS1)" \
    "$(request_field 1 '" ".join(sorted(e["dois"]))')"
BATCH1=$(request_field 1 'e["batch_id"]')
check_eq "the file is sent as <doi_batch_id>.xml" "$BATCH1.xml" "$(request_field 1 'e["filename"]')"
REC1=$J/deposits/$BATCH1.yaml
check "the attempt is recorded as deposits/$BATCH1.yaml" -- test -f "$REC1"
check_eq "recorded as submitted" submitted "$(attempt_field outcome "$REC1")"
check_eq "recorded endpoint: test" test "$(attempt_field endpoint "$REC1")"
check_eq "recorded HTTP status" 200 "$(attempt_field http_status "$REC1")"
check "the server's answer is summarised" -- grep -q 'successfully received' "$REC1"
check_eq "the commit message says what happened" \
    "Deposit issue 1 with Crossref (test): submitted" "$(git -C "$J" log -1 --format=%s)"
check "the commit lists the DOIs" -- sh -c "git -C '$J' log -1 --format=%b | grep -q 'doi:10.99999/'"
check_eq "the work tree is clean after the deposit" "" "$(git -C "$J" status --porcelain)"
if git -C "$J" log -p --all | grep -qF 'pw-S3cret' || grep -rqF 'pw-S3cret' "$J/deposits" ||
    grep -qF 'pw-S3cret' "$OUT" "$ERR"; then
    fail "the password was written or printed"
else
    pass "the password is in no commit, file or output"
fi

expect_exit 0 "deposit --status" -- in_dir "$J" "$JOURNAL" deposit --status
for doi in $DOIS1; do
    grep -qE "$doi +submitted .*$BATCH1" "$OUT" || fail "--status shows $doi submitted" "$(cat "$OUT")"
done
pass "--status shows every DOI of issue 1 as submitted in batch $BATCH1"
expect_exit 0 "deposit --status --json" -- in_dir "$J" "$JOURNAL" deposit --status --json
check_eq "--status --json: five DOIs submitted, one attempt" "5 1" "$("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(x["status"] == "submitted" for x in d["dois"]), len(d["attempts"]))' "$OUT")"

# --- failures are recorded as failed, never as registered; a retry sends a new batch ---
printf 'success\nhttp500\ngarbage\nfailure\nsuccess\n' >"$ANSWERS"
COMMITS=$(commit_count "$J")
expect_exit 1 "an HTTP 500 answer fails the deposit" -- in_dir "$J" "$JOURNAL" deposit 2
expect_stderr_match 'HTTP 500' "the message gives the HTTP status"
expect_stderr_match 'recorded as failed' "the message says the attempt was recorded as failed"
check_eq "the failure is one commit" $((COMMITS + 1)) "$(commit_count "$J")"
check_eq "production endpoint without --test" "/servlet/deposit" "$(request_field 2 'e["path"]')"
BATCH2=$(request_field 2 'e["batch_id"]')
check_eq "recorded as failed" failed "$(attempt_field outcome "$J/deposits/$BATCH2.yaml")"
check_eq "recorded with HTTP 500" 500 "$(attempt_field http_status "$J/deposits/$BATCH2.yaml")"
expect_exit 0 "deposit --status 2" -- in_dir "$J" "$JOURNAL" deposit --status 2
expect_stdout_match 'not registered' "--status: issue 2's DOIs are not registered"
expect_stdout_no_match '^  10\.99999/[^ ]+ +submitted' "--status 2 shows nothing as submitted"

expect_exit 1 "a garbage answer fails the deposit" -- in_dir "$J" "$JOURNAL" deposit 2
expect_stderr_match 'without acknowledging the deposit' "the message says the answer was no acknowledgement"
BATCH3=$(request_field 3 'e["batch_id"]')
check_eq "garbage: recorded as failed" failed "$(attempt_field outcome "$J/deposits/$BATCH3.yaml")"
check "garbage: the answer is stored as valid UTF-8" -- \
    "$PY" -c 'import sys; open(sys.argv[1], encoding="utf-8").read()' "$J/deposits/$BATCH3.yaml"
expect_exit 1 "Crossref's FAILURE page fails the deposit" -- in_dir "$J" "$JOURNAL" deposit 2
expect_stderr_match 'FAILURE' "the message quotes the server"

expect_exit 0 "the retry succeeds" -- in_dir "$J" "$JOURNAL" deposit 2
BATCH5=$(request_field 5 'e["batch_id"]')
check "each attempt had a new doi_batch_id" -- test "$(printf '%s\n' "$BATCH2" "$(request_field 4 'e["batch_id"]')" "$BATCH3" "$BATCH5" | sort -u | wc -l)" = 4
check_eq "the retry sends the same DOIs" "$(request_field 2 '" ".join(sorted(e["dois"]))')" \
    "$(request_field 5 '" ".join(sorted(e["dois"]))')"
T2=$(grep -o '<timestamp>[0-9]*' "$RECEIVED/2.xml" | tr -dc 0-9)
T5=$(grep -o '<timestamp>[0-9]*' "$RECEIVED/5.xml" | tr -dc 0-9)
check "the retry's timestamp is later (Crossref updates, never duplicates)" -- test "$T5" -gt "$T2"
expect_exit 0 "deposit --status 2 after the retry" -- in_dir "$J" "$JOURNAL" deposit --status 2
check_eq "--status 2: four DOIs submitted in the retry's batch" 4 "$(grep -cE " submitted .*$BATCH5" "$OUT")"
expect_exit 0 "deposit --status --json after the retry" -- in_dir "$J" "$JOURNAL" deposit --status --json
check_eq "--status --json: 9 DOIs submitted, 5 attempts, 3 failed" "9 5 3" "$("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(x["status"] == "submitted" for x in d["dois"]), len(d["attempts"]),
      sum(a["outcome"] == "failed" for a in d["attempts"]))' "$OUT")"

# --- the server is down: reported, recorded as failed, nothing registered ---
stop_stub
COMMITS=$(commit_count "$J")
expect_exit 1 "a deposit to a server that is down fails" -- in_dir "$J" "$JOURNAL" deposit 1
expect_stderr_match "not delivered: http://127\.0\.0\.1:$STUB_PORT/servlet/deposit" \
    "the message names the endpoint"
check_eq "the failed attempt is one commit" $((COMMITS + 1)) "$(commit_count "$J")"
expect_exit 0 "deposit --status --json after the failure" -- in_dir "$J" "$JOURNAL" deposit --status --json
check_eq "issue 1 stays unregistered in production" "0" "$("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(x["status"] == "submitted" for x in d["dois"] if x["endpoint"] == "production" and x["issue"] == 1))' "$OUT")"
start_stub "$STUB_PORT"

# --- the outcomes are in the index, a cache of git like the rest ---
index_sql() {
    "$PY" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
r = c.execute(sys.argv[2]).fetchall()
c.commit()
print(" ".join(str(x) for row in r for x in row))' "$J/.journal/index.db" "$1"
}
statuses() {
    in_dir "$J" "$JOURNAL" deposit --status
    in_dir "$J" "$JOURNAL" deposit --status 2
    in_dir "$J" "$JOURNAL" deposit --status --json
}
statuses >"$TEST_TMP/status.before" 2>&1
check_eq "the index holds every recorded attempt with its DOIs" \
    "$(ls "$J"/deposits/*.yaml | wc -l) $(cat "$J"/deposits/*.yaml | grep -c 'doi: ')" \
    "$(index_sql 'SELECT count(*), (SELECT count(*) FROM deposit_dois) FROM deposits')"
rm -f "$J/.journal/index.db" "$J/.journal/index.db-wal" "$J/.journal/index.db-shm"
statuses >"$TEST_TMP/status.after" 2>&1
if cmp -s "$TEST_TMP/status.before" "$TEST_TMP/status.after"; then
    pass "deposit --status says the same after the index was deleted"
else
    fail "deposit --status says the same after the index was deleted" \
        "$(diff "$TEST_TMP/status.before" "$TEST_TMP/status.after" | head -20)"
fi
check_eq "the rebuilt index holds the attempts again" "$(ls "$J"/deposits/*.yaml | wc -l)" \
    "$(index_sql 'SELECT count(*) FROM deposits')"
# --status reads the index: a row changed by hand shows until journal reindex.
index_sql "UPDATE deposits SET outcome = 'failed'" >/dev/null
expect_exit 0 "deposit --status --json over a tampered index" -- in_dir "$J" "$JOURNAL" deposit --status --json
check_eq "--status answers from the index" "0" "$("$PY" -c '
import json, sys
print(sum(x["status"] == "submitted" for x in json.load(open(sys.argv[1]))["dois"]))' "$OUT")"
expect_exit 0 "journal reindex" -- in_dir "$J" "$JOURNAL" reindex
statuses >"$TEST_TMP/status.after" 2>&1
check "after reindex --status says what git says" -- cmp -s "$TEST_TMP/status.before" "$TEST_TMP/status.after"

# --- bad input: refused before anything is sent, repository unchanged ---
# refused NAME EDIT REGEX: a copy of the journal with EDIT (run in it) committed, then deposit.
refused() {
    local name=$1 edit=$2 regex=$3 dir=$TEST_TMP/$1
    cp -a "$J" "$dir"
    (cd "$dir" && eval "$edit") && tgit -C "$dir" commit -q -am "$name" || {
        fail "$name: prepare the journal"
        return
    }
    local before=$TEST_TMP/$name.before sent
    snapshot "$dir" >"$before"
    sent=$(requests)
    expect_exit 1 "$name: refused" -- in_dir "$dir" "$JOURNAL" deposit 1
    expect_stderr_match "$regex" "$name: the message says why"
    expect_unchanged "$before" "$dir" "$name: repository unchanged"
    check_eq "$name: nothing sent" "$sent" "$(requests)"
}
refused no-prefix "sed -i '/^doi_prefix:/d' journal.yaml" 'no doi_prefix'
refused no-issn "sed -i '/^issn:/d' journal.yaml" 'no issn'
refused no-date "sed -i '/^published:/d' submissions/3/submission.yaml" \
    'submissions/3/submission.yaml: submission 3 has no publication date'
refused no-email "sed -i '/^crossref_depositor_email:/d' journal.yaml" 'crossref_depositor_email'
# DOIs must not resolve to a placeholder such as the one journal init writes; the dry run,
# which would otherwise call the deposit valid, says so too.
refused placeholder "sed -i 's|^base_url: .*|base_url: https://journal.example.org/|' journal.yaml" \
    "^journal deposit: journal.yaml:[0-9]+:11: base_url 'https://journal.example.org/' is a placeholder \(example.org is reserved"
expect_stderr_match "set base_url in journal.yaml .*; the DOIs deposited would resolve to it" \
    "placeholder: the message says what to do"
expect_exit 1 "placeholder: the dry run is refused too" -- \
    in_dir "$TEST_TMP/placeholder" "$JOURNAL" deposit 1 --dry-run
expect_stderr_match "base_url 'https://journal.example.org/' is a placeholder" \
    "placeholder: the dry run says why"
check_eq "placeholder: the dry run prints no deposit" "" "$(cat "$OUT")"
# An ISSN in another spelling is deposited in the one Crossref's schema takes.
I=$TEST_TMP/issn-spelling
cp -a "$J" "$I"
sed -i 's/^issn: .*/issn: "2789388x"/' "$I/journal.yaml"
tgit -C "$I" commit -qam "issn written 2789388x"
expect_exit 0 "an ISSN written 2789388x: the dry run" -- \
    in_dir "$I" "$JOURNAL" deposit 1 --dry-run -o "$TEST_TMP/issn.xml"
check "... deposits it as 2789-388X" -- grep -q '>2789-388X</issn>' "$TEST_TMP/issn.xml"
check "... which Crossref's schema takes" -- validate "$TEST_TMP/issn.xml"
refused bad-issn "sed -i 's/^issn: .*/issn: 2789-3881/' journal.yaml" \
    "journal.yaml:[0-9]+:7: '2789-3881' is not a valid ISSN: its first seven digits call for the check digit X"
refused localhost "sed -i 's|^base_url: .*|base_url: http://localhost:8000/|' journal.yaml" \
    "base_url 'http://localhost:8000/' is a placeholder \(localhost is reserved"
# Every problem at once.
refused everything "sed -i '/^doi_prefix:/d; /^issn:/d' journal.yaml; sed -i '/^published:/d' submissions/2/submission.yaml" \
    'no doi_prefix'
expect_stderr_match 'no issn' "everything: the ISSN is reported too"
expect_stderr_match 'submission 2 has no publication date' "everything: the date is reported too"

# A deposit the schema refuses though journal's own checks let it through (a depositor name
# over the 130 characters of 5.3.1): refused with the line in the deposit, with no schema
# configured, and never sent.
LONG_NAME=$(printf 'Depositor %.0s' $(seq 14))
refused invalid-deposit "sed -i 's/^crossref_depositor_name: .*//' journal.yaml; echo 'crossref_depositor_name: \"$LONG_NAME\"' >>journal.yaml" \
    "does not validate against Crossref's schema 5.3.1"
expect_stderr_match "deposit.xml:[0-9]+: .*depositor_name.*maxLength" \
    "invalid-deposit: each problem with its line in the deposit"
expect_exit 1 "invalid-deposit: the dry run is refused too" -- \
    in_dir "$TEST_TMP/invalid-deposit" "$JOURNAL" deposit 1 --dry-run -o "$TEST_TMP/invalid.xml"
expect_stderr_match "deposit.xml:[0-9]+: .*depositor_name" \
    "invalid-deposit: the dry run reports the line"
check "invalid-deposit: the dry run writes no file" -- test ! -e "$TEST_TMP/invalid.xml"

# Another copy of the schema can be named (--schema, JOURNAL_CROSSREF_SCHEMA_DIR,
# crossref_schema_dir), but validation is never skipped.
expect_exit 0 "--schema DIR validates against that copy" -- \
    in_dir "$J" "$JOURNAL" deposit 1 --dry-run --schema "$CROSSREF_SPECS" -o "$TEST_TMP/other.xml"
expect_stderr_match "validated against Crossref's schema 5.3.1 in $CROSSREF_SPECS" \
    "it says which copy"
expect_exit 1 "--schema naming no schema is refused, not skipped" -- \
    in_dir "$J" "$JOURNAL" deposit 1 --dry-run --schema "$TEST_TMP/no-schema"
expect_stderr_match "no Crossref schema" "the message says the folder has no schema"
expect_exit 1 "JOURNAL_CROSSREF_SCHEMA_DIR naming no schema is refused" -- \
    env JOURNAL_CROSSREF_SCHEMA_DIR="$TEST_TMP/no-schema" "$JOURNAL" -C "$J" deposit 1 --dry-run
expect_exit 1 "the invalid deposit fails against --schema DIR as well" -- \
    in_dir "$TEST_TMP/invalid-deposit" "$JOURNAL" deposit 1 --dry-run --schema "$CROSSREF_SPECS"

expect_exit 1 "an issue that does not exist" -- in_dir "$J" "$JOURNAL" deposit 9
expect_stderr_match 'no issue 9' "the message names the issue"
expect_exit 2 "deposit without an issue is a usage error" -- in_dir "$J" "$JOURNAL" deposit
expect_exit 2 "--status with --test is a usage error" -- in_dir "$J" "$JOURNAL" deposit --status --test

# journal.yaml's Crossref settings are checked like the others.
BAD=$TEST_TMP/bad-config
cp -a "$J" "$BAD"
sed -i -e 's/^crossref_password_env: .*/crossref_password_env: "hunter2 is my password"/' \
    -e 's/^crossref_depositor_email: .*/crossref_depositor_email: not-an-address/' "$BAD/journal.yaml"
tgit -C "$BAD" commit -q -am "bad settings"
expect_exit 1 "bad Crossref settings in journal.yaml are refused" -- \
    in_dir "$BAD" "$JOURNAL" deposit 1 --dry-run
expect_stderr_match 'journal.yaml:[0-9]+:[0-9]+: .*crossref_password_env' \
    "crossref_password_env must name a variable (file:line)"
expect_stderr_match "journal.yaml:[0-9]+:[0-9]+: 'not-an-address' is not an email address" \
    "crossref_depositor_email must be an address (file:line)"

finish
