#!/usr/bin/env bash
# The browser and validation tests (CTest: browser_site, browser_xss, browser_desk).
#     bash tests/browser/run.sh JOURNAL_BINARY [TEST]
# TEST is the test file in tests/browser/ (default site.test.mjs; xss.test.mjs is
# the hostile corpus of tests/xss/).
# Installs the pinned npm packages (playwright-core, axe-core, vnu-jar) into
# tests/browser/node_modules when it is missing or older than package-lock.json,
# never downloading a browser or a Java runtime: the tests use Debian's
# /usr/bin/chromium and the machine's java (scripts/install-deps installs both).
# Screenshots go to $JOURNAL_ARTIFACTS (default: ./artifacts/browser).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -lt 1 ]; then
    echo "usage: bash tests/browser/run.sh JOURNAL_BINARY [TEST]" >&2
    exit 2
fi
journal=$(realpath "$1")
test=${2:-site.test.mjs}
case $test in
*/* | "" | *[!A-Za-z0-9._-]*) echo "run.sh: TEST is a file name in $here, not '$test'" >&2; exit 2 ;;
esac
[ -f "$here/$test" ] || { echo "run.sh: no $here/$test" >&2; exit 2; }

missing=()
for tool in node npm java; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=("${CHROMIUM:-/usr/bin/chromium}")
if [ ${#missing[@]} -gt 0 ]; then
    echo "not ok - the browser tests need ${missing[*]} (run scripts/install-deps)"
    echo "0 passed, 1 failed"
    exit 1
fi

# Under a lock on package-lock.json, so that two test runs (two build folders) never
# install at once.
# (set -e does not apply inside a subshell on the left of ||: every step says || exit 1.)
(
    flock 9 || exit 1
    if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules" ]; then
        echo "# npm ci in $here" >&2
        # --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime; the machine's is used.
        (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund >&2) || exit 1
        touch "$here/node_modules" || exit 1
    fi
) 9<"$here/package-lock.json" || {
    echo "not ok - npm ci in $here (see above)"
    echo "0 passed, 1 failed"
    exit 1
}

exec node "$here/$test" "$journal"
