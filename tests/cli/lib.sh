# Shared helpers for the command-line tests (tests/cli/test_*.sh).
# Source it at the top of a test script:
#     . "$(dirname "$0")/lib.sh"
# It expects JOURNAL (the binary), SOURCE_DIR (the source tree, for the sample
# journal) and optionally SPECS_DIR (the vendored specifications, tests/specs) in the
# environment, as CTest sets them. CROSSREF_SCHEMA_DIR is the repository's schemas/crossref.
# When run by hand, JOURNAL defaults to $SOURCE_DIR/build-cli/journal.
# Every check prints "ok - DESC" or "not ok - DESC" followed by details; call
# `finish` at the end: it prints "N passed, M failed" and exits non-zero on a
# failure.

set -u

TESTS_CLI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=${SOURCE_DIR:-$(cd "$TESTS_CLI_DIR/../.." && pwd)}
JOURNAL=${JOURNAL:-$SOURCE_DIR/build-cli/journal}
SPECS_DIR=${SPECS_DIR:-$SOURCE_DIR/tests/specs}
CROSSREF_SCHEMA_DIR=$SOURCE_DIR/schemas/crossref
export SOURCE_DIR JOURNAL SPECS_DIR CROSSREF_SCHEMA_DIR

if [ ! -x "$JOURNAL" ]; then
    echo "not ok - the journal binary $JOURNAL is missing or not executable"
    echo "0 passed, 1 failed"
    exit 1
fi

# A private scratch folder per script, removed whatever happens.
# Set JOURNAL_TEST_KEEP=1 to keep it for a post-mortem.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/journal-cli.XXXXXX")
if [ "${JOURNAL_TEST_KEEP:-0}" = 1 ]; then
    echo "# keeping $TEST_TMP"
else
    trap 'rm -rf "$TEST_TMP"' EXIT
fi
OUT=$TEST_TMP/.stdout
ERR=$TEST_TMP/.stderr
: >"$OUT"
: >"$ERR"

# Reproducible runs: fixed date, fixed identities, no user or system git config.
export JOURNAL_TODAY=2026-01-15
export GIT_AUTHOR_NAME="Test Editor" GIT_AUTHOR_EMAIL=editor@example.org
export GIT_COMMITTER_NAME="Test Editor" GIT_COMMITTER_EMAIL=editor@example.org
export GIT_CONFIG_NOSYSTEM=1
export HOME=$TEST_TMP/home
mkdir -p "$HOME"
export LC_ALL=C.UTF-8
export JOURNAL_LOCK_TIMEOUT=${JOURNAL_LOCK_TIMEOUT:-60}
# A sanitizer report must not pass for an ordinary "rejected" exit (ASan and
# UBSan exit 1 by default); leak reports count as failures too.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:abort_on_error=0
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:print_stacktrace=1

# Where the test journals say their site is published. build-site, export and
# deposit refuse the reserved names (example.org, .test, localhost, ...) that
# journal init writes as a placeholder and the sample journal keeps, so the tests'
# journals get a real-looking address; nothing is ever sent there.
TEST_BASE_URL=https://jcsrp.org/

PASSED=0
FAILED=0

pass() {
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}

# fail DESC [DETAIL...]: each detail line is printed indented.
fail() {
    FAILED=$((FAILED + 1))
    echo "not ok - $1"
    shift
    local line
    for line in "$@"; do
        printf '%s\n' "$line" | sed 's/^/    # /'
    done
}

# check DESC -- CMD...: passes when CMD exits 0.
check() {
    local desc=$1
    shift
    [ "${1:-}" = "--" ] && shift
    if "$@" >"$TEST_TMP/.check.out" 2>&1; then
        pass "$desc"
    else
        fail "$desc" "command: $*" "$(head -c 2000 "$TEST_TMP/.check.out")"
    fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1" "expected: $2" "actual:   $3"
    fi
}

# show_output: the last command's stdout and stderr, shortened, for failure details.
show_output() {
    echo "stdout: $(head -c 1500 "$OUT")"
    echo "stderr: $(head -c 1500 "$ERR")"
}

# expect_exit CODE DESC -- CMD...: runs CMD with stdout in $OUT and stderr in
# $ERR and checks its exit status. A sanitizer report on stderr fails too.
LAST_STATUS=0
expect_exit() {
    local want=$1 desc=$2
    shift 2
    [ "${1:-}" = "--" ] && shift
    "$@" >"$OUT" 2>"$ERR" </dev/null
    LAST_STATUS=$?
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$ERR"; then
        fail "$desc (sanitizer report)" "command: $*" "$(head -c 3000 "$ERR")"
        return 1
    fi
    if [ "$LAST_STATUS" -eq "$want" ]; then
        pass "$desc"
        return 0
    fi
    fail "$desc" "command: $*" "expected exit $want, got $LAST_STATUS" "$(show_output)"
    return 1
}

# expect_stderr_match REGEX DESC: extended regex against the last stderr.
expect_stderr_match() {
    if grep -qE -- "$1" "$ERR"; then
        pass "$2"
    else
        fail "$2" "stderr does not match /$1/:" "$(head -c 1500 "$ERR")"
    fi
}

# expect_stdout_match REGEX DESC
expect_stdout_match() {
    if grep -qE -- "$1" "$OUT"; then
        pass "$2"
    else
        fail "$2" "stdout does not match /$1/:" "$(head -c 1500 "$OUT")"
    fi
}

# expect_stdout_no_match REGEX DESC
expect_stdout_no_match() {
    if grep -qE -- "$1" "$OUT"; then
        fail "$2" "stdout matches /$1/:" "$(grep -E -- "$1" "$OUT" | head -5)"
    else
        pass "$2"
    fi
}

# in_dir DIR CMD...: run CMD in DIR (for expect_exit ... -- in_dir DIR "$JOURNAL" ...).
in_dir() {
    local dir=$1
    shift
    (cd "$dir" && exec "$@")
}

# git with a fixed identity, for commits the tests make by hand.
tgit() {
    git -c user.name=t -c user.email=t@example.org -c init.defaultBranch=main \
        -c core.autocrlf=false -c commit.gpgsign=false "$@"
}

# new_journal DIR [TITLE]: `journal init` a fresh journal (base_url $TEST_BASE_URL)
# and check it worked.
new_journal() {
    local dir=$1 title=${2:-Test Journal}
    if "$JOURNAL" init "$dir" --title "$title" --base-url "$TEST_BASE_URL" >"$OUT" 2>"$ERR" \
        </dev/null &&
        [ -f "$dir/journal.yaml" ] && git -C "$dir" rev-parse -q --verify HEAD >/dev/null; then
        return 0
    fi
    fail "journal init $dir" "$(show_output)"
    return 1
}

# Validators of what a site publishes, against the specifications vendored in tests/specs
# (offline: each through its XML catalog). Each takes files and exits non-zero, saying where,
# when one is not valid.
# jats_valid FILE...: article.xml against the JATS 1.3 DTD its DOCTYPE names.
jats_valid() {
    XML_CATALOG_FILES=$SPECS_DIR/jats/catalog.xml xmllint --nonet --noout --valid "$@"
}
# oai_static_valid FILE: the OAI static repository schema, with OAI-PMH and oai_dc.
oai_static_valid() {
    XML_CATALOG_FILES=$SPECS_DIR/oai-static/catalog.xml xmllint --nonet --noout \
        --schema "$SPECS_DIR/oai-static/static-repository.xsd" "$@"
}
# sitemap_valid FILE...: sitemaps.org 0.9, with the xhtml:link alternates declared.
sitemap_valid() {
    xmllint --nonet --noout --schema "$SPECS_DIR/sitemap/sitemap-xhtml.xsd" "$@"
}
# csl_json_valid FILE...: the CSL-JSON input schema (python3-jsonschema).
csl_json_valid() {
    python3 "$SOURCE_DIR/tests/support/validate_csl_json.py" "$SPECS_DIR/csl/csl-data.json" "$@"
}
# check_site_valid SITE WHAT: every article.xml and citation.json of the built site SITE, its
# OAI static repository and its sitemap (or the sitemap's parts, when it is split) validate.
check_site_valid() {
    local site=$1 what=$2
    local jats=("$site"/articles/*/article.xml) csl=("$site"/articles/*/citation.json)
    if [ -e "${jats[0]}" ]; then
        check "$what: every article.xml (${#jats[@]}) is valid JATS 1.3 (xmllint --valid)" -- \
            jats_valid "${jats[@]}"
    else
        fail "$what: no articles/*/article.xml in $site"
    fi
    if [ -e "${csl[0]}" ]; then
        check "$what: every citation.json (${#csl[@]}) is valid CSL-JSON" -- csl_json_valid "${csl[@]}"
    else
        fail "$what: no articles/*/citation.json in $site"
    fi
    if [ -e "$site/oai/static-repository.xml" ]; then
        check "$what: the OAI static repository validates against static-repository.xsd" -- \
            oai_static_valid "$site/oai/static-repository.xml"
    fi
    local parts=("$site"/sitemap-*.xml)
    [ -e "${parts[0]}" ] || parts=("$site/sitemap.xml")
    check "$what: the sitemap validates against sitemaps.org 0.9 (${#parts[@]} file(s))" -- \
        sitemap_valid "${parts[@]}"
}

# sample_journal DIR: the sample journal from $SOURCE_DIR, committed in a new repository,
# with base_url $TEST_BASE_URL instead of the sample's placeholder, and pdf: false.
sample_journal() {
    local dir=$1
    mkdir -p "$dir"
    cp -R "$SOURCE_DIR/journal.yaml" "$SOURCE_DIR/reviewers.yaml" "$SOURCE_DIR/submissions" \
        "$SOURCE_DIR/issues" "$SOURCE_DIR/pages" "$SOURCE_DIR/themes" "$dir/" || {
        fail "copy the sample journal from $SOURCE_DIR"
        return 1
    }
    printf '/.journal/\n/_site/\n' >"$dir/.gitignore"
    sed -i "s|^base_url: .*|base_url: \"$TEST_BASE_URL\"|" "$dir/journal.yaml"
    # No PDF galleys: WeasyPrint takes a second or more per article, in every build of every
    # test that uses the sample; test_pdf.sh turns them on (new_journal's journals have them).
    echo "pdf: false" >>"$dir/journal.yaml"
    tgit -C "$dir" init -q &&
        tgit -C "$dir" add -A &&
        tgit -C "$dir" commit -q -m "Sample journal" || {
        fail "sample journal in $dir"
        return 1
    }
}

# snapshot DIR: a fingerprint of everything in the repository (HEAD, status,
# every path with its type, every file's content including .git internals),
# except .journal/ (journal's rebuildable cache and lock).
snapshot() {
    local dir=$1
    (
        cd "$dir" || exit 1
        echo "HEAD $(git rev-parse -q --verify HEAD 2>/dev/null || echo none)"
        echo "status:"
        git status --porcelain --ignored 2>&1
        echo "paths:"
        find . -path ./.journal -prune -o -printf '%y %m %P -> %l\n' | LC_ALL=C sort
        echo "contents:"
        find . -path ./.journal -prune -o -type f -print0 | LC_ALL=C sort -z |
            xargs -0 -r sha256sum
    )
}

# expect_unchanged BEFORE DIR DESC: BEFORE is a file holding `snapshot DIR`'s output.
expect_unchanged() {
    local before=$1 dir=$2 desc=$3
    local after=$TEST_TMP/.snapshot.after
    snapshot "$dir" >"$after"
    if cmp -s "$before" "$after"; then
        pass "$desc"
    else
        fail "$desc" "the repository changed:" "$(diff "$before" "$after" | head -20)"
    fi
}

# ---- the SMTP sink (tests/support/smtp_sink.py): what journal sent, as a server got it ----
SINK_PID=
# start_sink [PORT]: the sink, storing each message into $MAIL; sets SINK_PORT.
start_sink() {
    local portfile=$TEST_TMP/sink-port
    rm -f "$portfile"
    /usr/bin/python3 "$SOURCE_DIR/tests/support/smtp_sink.py" --dir "$MAIL" \
        --port-file "$portfile" --port "${1:-0}" >>"$TEST_TMP/sink.log" 2>&1 &
    SINK_PID=$!
    for _ in $(seq 200); do
        [ -s "$portfile" ] && break
        sleep 0.05
    done
    SINK_PORT=$(cat "$portfile" 2>/dev/null)
}
stop_sink() {
    if [ -n "$SINK_PID" ]; then
        kill "$SINK_PID" 2>/dev/null
        wait "$SINK_PID" 2>/dev/null
        SINK_PID=
    fi
}
# smtp_sink: MAIL, the sink listening (stopped when the test ends), SINK_PORT; the test fails
# without aiosmtpd.
smtp_sink() {
    if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
        fail "/usr/bin/python3 cannot import aiosmtpd (scripts/install-deps installs python3-aiosmtpd)"
        finish
    fi
    trap 'stop_sink; [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$TEST_TMP"' EXIT
    MAIL=$TEST_TMP/mail
    mkdir -p "$MAIL"
    start_sink
    check "the SMTP sink listens on 127.0.0.1:$SINK_PORT" -- test -n "$SINK_PORT"
}
# mails: how many messages the sink has received.
mails() { find "$MAIL" -name '*.eml' | wc -l; }
# decoded FILTER: the received messages as "To|Subject|Body" lines, decoded, for those whose
# To contains FILTER.
decoded() {
    /usr/bin/python3 - "$MAIL" "$1" <<'PY'
import email, email.policy, glob, sys
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    if sys.argv[2] in str(m["To"]):
        body = m.get_body().get_content().replace("\n", " ")
        print(f"{m['To']}|{m['Subject']}|{body}")
PY
}

# start_desk DIR [VAR=VALUE...]: `journal serve` on a free loopback port for the journal in DIR
# (the variables set in its environment only); DESK_PID, DESK_BASE (http://127.0.0.1:PORT),
# DESK_LOG (its standard error). stop_desk: SIGTERM, then SIGKILL if it lingers.
start_desk() {
    local dir=$1
    shift
    DESK_LOG=$TEST_TMP/desk.log
    rm -f "$TEST_TMP/desk.out"
    env "$@" "$JOURNAL" -C "$dir" serve --listen 127.0.0.1:0 >"$TEST_TMP/desk.out" 2>>"$DESK_LOG" &
    DESK_PID=$!
    for _ in $(seq 400); do
        grep -q 'listening on' "$TEST_TMP/desk.out" 2>/dev/null && break
        kill -0 "$DESK_PID" 2>/dev/null || break
        sleep 0.05
    done
    DESK_BASE=$(sed -n 's|.*listening on \(http://[^ ]*\)/$|\1|p' "$TEST_TMP/desk.out")
}
stop_desk() {
    if [ -n "${DESK_PID:-}" ]; then
        kill "$DESK_PID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$DESK_PID" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$DESK_PID" 2>/dev/null
        wait "$DESK_PID" 2>/dev/null
        DESK_PID=
    fi
}

# commit_count DIR
commit_count() {
    git -C "$1" rev-list --count HEAD 2>/dev/null || echo 0
}

# finish: the summary line and the exit status.
finish() {
    # A script that checked nothing (its setup failed early) has not passed.
    if [ $((PASSED + FAILED)) -eq 0 ]; then
        echo "not ok - no check ran"
        FAILED=1
    fi
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit $?
}
