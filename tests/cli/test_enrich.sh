#!/usr/bin/env bash
# journal enrich checks ORCID iDs and affiliations against ORCID and ROR and
# proposes corrections, against a stand-in for both registries on 127.0.0.1
# (tests/support/registry_stub.py), never the internet: confirmed names,
# a different name, an unregistered iD, a ROR id whose country differs, a ROR
# match proposed for an affiliation without one; answers are kept in the
# index and not asked twice; a registry that is down is reported (exit 1).
# ROR ids in manuscripts are checked (check digits) like ORCID iDs.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
STUB=$SOURCE_DIR/tests/support/registry_stub.py
J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$J" || exit 1

STUB_PID=
stop_stub() {
    if [ -n "$STUB_PID" ]; then
        kill "$STUB_PID" 2>/dev/null
        wait "$STUB_PID" 2>/dev/null
        STUB_PID=
    fi
}
trap 'stop_stub; [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$TEST_TMP"' EXIT
FIXTURES=$TEST_TMP/fixtures.json
LOG=$TEST_TMP/requests.log
: >"$LOG"
start_stub() {
    local portfile=$TEST_TMP/port
    rm -f "$portfile"
    "$PY" "$STUB" --fixtures "$FIXTURES" --port-file "$portfile" --log "$LOG" \
        --port "${1:-0}" 2>>"$TEST_TMP/stub.err" &
    STUB_PID=$!
    for _ in $(seq 200); do
        [ -s "$portfile" ] && break
        sleep 0.05
    done
    STUB_PORT=$(cat "$portfile" 2>/dev/null)
}
requests() { wc -l <"$LOG" | tr -d ' '; }

cat >"$FIXTURES" <<'JSON'
{
  "orcid": {
    "0000-0003-5882-8559": {"given": "Dana", "family": "Seitkali"},
    "0000-0003-6115-4612": {"given": "Erzhan", "family": "Kuanyshev"}
  },
  "ror": {
    "0apaxyz03": {"name": "Academy of Public Administration under the President of the Republic of Kazakhstan", "country": "KZ"},
    "0cpsrst93": {"name": "Centre for Public Sector Research", "country": "UZ", "aliases": ["CPSR"]}
  },
  "affiliation": {
    "Academy of Public Administration under the President of the Republic of Kazakhstan": "0apaxyz03"
  }
}
JSON
start_stub
check "the registry stand-in listens on 127.0.0.1" -- test -n "$STUB_PORT"
export JOURNAL_ORCID_API=http://127.0.0.1:$STUB_PORT/orcid/v3.0
export JOURNAL_ROR_API=http://127.0.0.1:$STUB_PORT/ror/v2

# Submission 1: Dana Seitkali (ORCID agrees), Yerzhan Kuanyshev (ORCID says Erzhan); the
# Academy has no ror: (ROR matches it); the Centre gets a ror: whose record says UZ.
sed -i 's|^      - name: Centre for Public Sector Research, Astana$|      - name: Centre for Public Sector Research, Astana\n        ror: https://ror.org/0CPSRST93|' \
    submissions/1/manuscript.md
tgit commit -qam "Affiliation with its ROR id"
head_before=$(git rev-parse HEAD)

expect_exit 0 "enrich 1" -- "$JOURNAL" enrich 1
LINE2=$(grep -n '^  - name: Yerzhan Kuanyshev$' submissions/1/manuscript.md | cut -d: -f1)
expect_stdout_match "^submissions/1/manuscript\.md:$LINE2: Yerzhan Kuanyshev \(ORCID 0000-0003-6115-4612\): the ORCID record names 'Erzhan Kuanyshev'" \
    "a different name on the ORCID record is reported at the author's line"
expect_stdout_match "^    proposed: name: Erzhan Kuanyshev$" "the name on the record is proposed"
expect_stdout_match "affiliation 'Academy of Public Administration under the President of the Republic of Kazakhstan': ROR matches it to https://ror\.org/0apaxyz03" \
    "an affiliation without a ROR id gets the organisation ROR matches"
expect_stdout_match "^    proposed: ror: https://ror\.org/0apaxyz03$" "its ror: is proposed"
expect_stdout_match "affiliation 'Centre for Public Sector Research, Astana' https://ror\.org/0cpsrst93: ROR names it 'Centre for Public Sector Research'; ROR places it in UZ, the manuscript in KZ" \
    "a ROR record with another name and country is reported (the id was normalised)"
expect_stdout_match "^    proposed: name: Centre for Public Sector Research, country: UZ$" \
    "the record's name and country are proposed"
expect_stdout_no_match "Dana Seitkali" "an ORCID record with the same name is not printed"
expect_stdout_match "^1 confirmed, 3 to consider, 0 not checked \(4 asked, 0 from the index\)$" \
    "the summary counts what was confirmed, proposed and asked"
check_eq "four questions reached the registries" 4 "$(requests)"
check_eq "enrich changes nothing in the journal" "$head_before" "$(git rev-parse HEAD)"
check "the work tree is clean" -- test -z "$(git status --porcelain)"

expect_exit 0 "enrich 1 again" -- "$JOURNAL" enrich 1
expect_stdout_match "\(0 asked, 4 from the index\)$" "the second run is answered from the index"
check_eq "no new question reached the registries" 4 "$(requests)"

expect_exit 0 "enrich 1 --json" -- "$JOURNAL" --json enrich 1
check "the JSON lists every finding, confirmed ones too" -- "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
kinds = sorted(f["kind"] for f in d["findings"])
assert kinds == ["confirmed", "proposal", "proposal", "proposal"], kinds
ok = [f for f in d["findings"] if f["kind"] == "confirmed"][0]
assert ok["subject"] == "Dana Seitkali (ORCID 0000-0003-5882-8559)" and ok["submission"] == 1, ok
assert d["asked"] == 0 and d["cached"] == 4, d' "$OUT"

expect_exit 0 "enrich 1 --refresh asks again" -- "$JOURNAL" enrich 1 --refresh
check_eq "--refresh asked all four again" 8 "$(requests)"

# An iD and a ROR id that pass their checksums but are not registered.
"$PY" - "$FIXTURES" <<'PY'
import json, sys
fx = json.load(open(sys.argv[1]))
del fx["orcid"]["0000-0003-6115-4612"]
del fx["ror"]["0cpsrst93"]
json.dump(fx, open(sys.argv[1], "w"))
PY
expect_exit 0 "enrich 1 --refresh with unregistered identifiers" -- "$JOURNAL" enrich 1 --refresh
expect_stdout_match "orcid\.org has no record 0000-0003-6115-4612" "an unregistered ORCID iD is reported"
expect_stdout_match "ROR has no organisation https://ror\.org/0cpsrst93" "an unregistered ROR id is reported"

# A registry that is down: reported, exit 1, and nothing wrong kept in the index.
"$PY" - "$FIXTURES" <<'PY'
import json, sys
fx = json.load(open(sys.argv[1]))
fx["fail"] = ["/orcid/"]
json.dump(fx, open(sys.argv[1], "w"))
PY
expect_exit 1 "enrich 1 --refresh while ORCID answers 503" -- "$JOURNAL" enrich 1 --refresh
expect_stdout_match "not checked: Dana Seitkali \(ORCID 0000-0003-5882-8559\): http://127\.0\.0\.1:$STUB_PORT/orcid/v3\.0/0000-0003-5882-8559/person: HTTP 503" \
    "the failed lookup names the URL and the answer"
expect_stderr_match "2 lookups failed" "the exit message counts the failed lookups"
stop_stub
expect_exit 1 "enrich with both registries down" -- "$JOURNAL" enrich 1 --refresh
expect_stdout_match "not checked: .*127\.0\.0\.1:$STUB_PORT" "a refused connection is reported with the address"
"$PY" - "$FIXTURES" <<'PY'
import json, sys
fx = json.load(open(sys.argv[1]))
fx["fail"] = []
json.dump(fx, open(sys.argv[1], "w"))
PY
expect_exit 0 "with the registries down, a run without --refresh answers from the index" -- \
    "$JOURNAL" enrich 1
expect_stdout_match "\(0 asked, 4 from the index\)$" "the index still holds the last good answers"

expect_exit 2 "enrich with a non-number" -- "$JOURNAL" enrich abc
expect_exit 1 "enrich an unknown submission" -- "$JOURNAL" enrich 99
expect_stderr_match "there is no submission 99" "the message names it"

# ROR ids are checked where they are written, like ORCID iDs.
cp submissions/10/manuscript.md bad_ror.md
sed -i '0,/^        country: .*/s//&\n        ror: https:\/\/ror.org\/0cpsrst94/' bad_ror.md
sed 's|ror: https://ror.org/0cpsrst94|ror: not-a-ror|' bad_ror.md >not_ror.md
BADLINE=$(grep -n 'ror: https://ror.org/0cpsrst94' bad_ror.md | cut -d: -f1)
snapshot "$J" >"$TEST_TMP/before"
expect_exit 1 "submit with a ROR id whose check digits are wrong" -- "$JOURNAL" submit bad_ror.md
expect_stderr_match "bad_ror\.md:$BADLINE:[0-9]+: ROR id 'https://ror\.org/0cpsrst94' has a wrong check digit" \
    "the message names file, line and the id"
expect_exit 1 "submit with something that is not a ROR id" -- "$JOURNAL" submit not_ror.md
expect_stderr_match "not_ror\.md:$BADLINE:[0-9]+: 'not-a-ror' is not a ROR id" "the message says what a ROR id looks like"
expect_unchanged "$TEST_TMP/before" "$J" "the refused submissions changed nothing"

finish
