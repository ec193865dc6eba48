#!/usr/bin/env bash
# Fifty authors confirming at the same moment (issue 18, "Robustness"): fifty submissions are
# made through the front desk's form (each from its own client address, as the reverse proxy
# reports it in X-Forwarded-For), their confirmation links read from the mail in the SMTP sink,
# each confirmation page opened for its CSRF token, and then all fifty confirmations posted
# at once. Every one must be committed exactly once: fifty distinct submission numbers in fifty
# commits, each title once, no waiting submission left, `journal doctor`, `git fsck` and the
# work tree clean, one acknowledgement per author.
. "$(dirname "$0")/lib.sh"

N=${DESK_CONCURRENT_AUTHORS:-50}
PY=/usr/bin/python3
export JOURNAL_DESK_SECRET=0123456789abcdef0123456789abcdef-concurrent
smtp_sink
trap 'stop_desk; stop_sink; [ "${JOURNAL_TEST_KEEP:-0}" = 1 ] || rm -rf "$TEST_TMP"' EXIT

J=$TEST_TMP/journal
sample_journal "$J" || finish
cat >>"$J/journal.yaml" <<YAML
mail_from_address: office@journal.example.org
smtp_host: 127.0.0.1
smtp_port: $SINK_PORT
smtp_tls: none
desk_threads: 8
YAML
tgit -C "$J" commit -qam "Mail settings"
start_desk "$J"
check "journal serve listens" -- test -n "$DESK_BASE"
[ -n "$DESK_BASE" ] || finish
echo "desk_url: \"$DESK_BASE/\"" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "The front desk's address"

printf '# Introduction\n\nCentral testing changed recruitment in the civil service.\n' >"$TEST_TMP/paper.md"
field() { sed -n "s/.*name=\"$1\" value=\"\([0-9a-f]*\)\".*/\1/p" "$2" | head -1; }
title_of() { printf 'Concurrent confirmation number %03d' "$1"; }

# --- fifty waiting submissions, one per client address ---
bad_form=
for i in $(seq "$N"); do
    xff="X-Forwarded-For: 198.51.100.$i"
    curl -s -m 30 -H "$xff" -o "$TEST_TMP/form" "$DESK_BASE/submit?lang=en"
    form=$(field form "$TEST_TMP/form")
    csrf=$(field csrf "$TEST_TMP/form")
    status=$(curl -s -m 60 -H "$xff" -o "$TEST_TMP/sent" -w '%{http_code}' \
        -F csrf="$csrf" -F form="$form" -F nauthors=1 --form-string "title=$(title_of "$i")" \
        -F mlang=en -F type=research-article --form-string "abstract=Abstract of paper $i." \
        --form-string "keywords=merit, recruitment" -F a0_given=Author -F "a0_family=Number$i" \
        -F "a0_email=author$i@example.org" -F a0_naff=1 --form-string "a0_aff0_name=University $i" \
        -F a0_aff0_country=KZ -F corresponding=0 -F declare_originality=yes \
        -F declare_license=yes -F competing_interests=None -F manuscript=@"$TEST_TMP/paper.md" \
        -F action=submit "$DESK_BASE/submit?lang=en")
    [ "$status" = 200 ] || bad_form="$bad_form $i($status)"
done
check_eq "$N forms sent, each from its own address, each accepted (200)" "" "$bad_form"
WAITING=$J/.journal/desk/waiting
waiting() { find "$WAITING" -mindepth 2 -maxdepth 2 -name manuscript -type d 2>/dev/null | wc -l; }
check_eq "$N submissions wait outside git" "$N" "$(waiting)"
base_commits=$(commit_count "$J")

# --- the confirmation links from the mail, and each page's CSRF token ---
links() {
    "$PY" - "$MAIL" <<'PY'
import email, email.policy, glob, re, sys
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    found = re.search(r"/confirm/[0-9a-f]{32}/[0-9a-f]{64}", m.get_body().get_content())
    if found:
        print(str(m["To"]).split("<")[-1].rstrip(">") + " " + found.group(0))
PY
}
for _ in $(seq 200); do [ "$(links | wc -l)" -ge "$N" ] && break; sleep 0.1; done
links | sort -u >"$TEST_TMP/links"
check_eq "$N confirmation links mailed, one per author" "$N" "$(cut -d' ' -f1 "$TEST_TMP/links" | sort -u | wc -l)"
: >"$TEST_TMP/posts"
while read -r to path; do
    i=${to#author}
    i=${i%%@*}
    curl -s -m 30 -H "X-Forwarded-For: 203.0.113.$i" -o "$TEST_TMP/page" "$DESK_BASE$path"
    echo "$i $path $(field csrf "$TEST_TMP/page")" >>"$TEST_TMP/posts"
done <"$TEST_TMP/links"
check_eq "every confirmation page carries a CSRF token" "$N" "$(awk 'NF == 3' "$TEST_TMP/posts" | wc -l)"
check_eq "... and nothing is committed by opening them" "$base_commits" "$(commit_count "$J")"

# --- all confirmations at once ---
mkdir -p "$TEST_TMP/go"
pids=()
while read -r i path csrf; do
    (
        # Each waits for the starting gun, so that the posts leave together.
        while [ ! -e "$TEST_TMP/go/now" ]; do sleep 0.01; done
        curl -s -m 120 -H "X-Forwarded-For: 203.0.113.$i" -o /dev/null -w '%{http_code}\n' \
            --data "csrf=$csrf" "$DESK_BASE$path" >"$TEST_TMP/go/$i"
    ) &
    pids+=($!)
done <"$TEST_TMP/posts"
sleep 0.5
touch "$TEST_TMP/go/now"
wait "${pids[@]}"
check_eq "all $N confirmations answer 303" "$N" "$(cat "$TEST_TMP"/go/[0-9]* | grep -c '^303$')"

check_eq "$N commits, one per confirmation" $((base_commits + N)) "$(commit_count "$J")"
git -C "$J" log --format=%s "HEAD~$N..HEAD" >"$TEST_TMP/subjects"
check_eq "... every one a submission" "$N" "$(grep -c '^Submit #[0-9]*:' "$TEST_TMP/subjects")"
check_eq "... $N distinct submission numbers" "$N" \
    "$(sed -n 's/^Submit #\([0-9]*\):.*/\1/p' "$TEST_TMP/subjects" | sort -u | wc -l)"
missing= twice=
for i in $(seq "$N"); do
    t=$(title_of "$i")
    n=$(grep -rlF --include=manuscript.md "title: \"$t\"" "$J/submissions" | wc -l)
    [ "$n" = 0 ] && missing="$missing $i"
    [ "$n" -gt 1 ] && twice="$twice $i"
done
check_eq "every title is in the journal (none lost)" "" "$missing"
check_eq "... and none twice" "" "$twice"
check_eq "no submission waits any more" 0 "$(waiting)"
check "journal doctor is clean" -- "$JOURNAL" -C "$J" doctor
check "git fsck is clean" -- git -C "$J" fsck --no-progress
check_eq "the work tree is clean" "" "$(git -C "$J" status --porcelain)"
for _ in $(seq 200); do
    [ "$(decoded "" | grep -c '|\[[A-Z]*\] Submission [0-9]* received')" -ge "$N" ] && break
    sleep 0.1
done
decoded "" | sed -n 's/^\([^|]*\)|\[[A-Z]*\] Submission [0-9]* received.*/\1/p' | sort >"$TEST_TMP/acks"
check_eq "one acknowledgement per author" "$N" "$(sort -u "$TEST_TMP/acks" | wc -l)"
check_eq "... and none twice" "$N" "$(wc -l <"$TEST_TMP/acks")"
stop_desk
check "no sanitizer report from the server" -- \
    sh -c "! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$DESK_LOG'"
finish
