#!/usr/bin/env bash
# The assignment solver against an independent LP (scipy HiGHS) on random instances.
# Usage: tests/assign_lp_check.sh path/to/assign_cli [seeds]
set -euo pipefail
driver=${1:?usage: assign_lp_check.sh DRIVER [SEEDS]}
here=$(cd "$(dirname "$0")" && pwd)
# Debian's interpreter: the python3 first on PATH may lack scipy.
exec /usr/bin/python3 "$here/support/assign_lp.py" "$driver" "${2:-35}"
