#!/usr/bin/env bash
# Crash safety: journal is killed with SIGKILL during submit, assign, review, decide,
# build-issue and build-site, at random moments (a random delay after the start) and at
# named points in the narrow windows (JOURNAL_TEST_KILL_AT: before-commit, after-commit,
# mid-worktree, before-index, before-release). After each kill, and after the next command
# has done its documented recovery (any command finishes a work tree left behind HEAD; any
# command that opens the outbox settles held mail):
#   - journal doctor exits 0 (after doctor --fix for a killed build-site's staging folder,
#     which the next build-site also removes),
#   - git fsck --strict is clean,
#   - every action that reported success is in the history (and its files are there),
#   - the killed action is wholly present (one commit, the work tree and git's index equal
#     to HEAD) or wholly absent (HEAD unchanged, nothing left in the work tree),
#   - no message is left held; every message belongs to a commit in the history, and every
#     commit that held mail has it queued,
#   - the site has no temporary file, no staging folder and no truncated page or feed.
# One journal serves every trial. FAULT_TRIALS (default 200) and FAULT_SEED (default: from
# the clock, printed) replay a run: FAULT_SEED=1234 bash tests/cli/test_fault_injection.sh
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
TRIALS=${FAULT_TRIALS:-200}
SEED=${FAULT_SEED:-$(($(date +%s) % 100000))}
echo "# seed $SEED, $TRIALS trials (replay: FAULT_SEED=$SEED FAULT_TRIALS=$TRIALS)"
RANDOM=$SEED

J=$TEST_TMP/journal
sample_journal "$J" || finish
echo "mail_from_address: office@journal.example.org" >>"$J/journal.yaml"
tgit -C "$J" commit -q -am "Mail on (held in the outbox: no server)"
cd "$TEST_TMP" || finish
cp "$J/submissions/10/manuscript.md" ms.md
echo "Sound and clear." >c.md
REVIEWERS=(asel-bekova aliya-temirkhanova dinara-ospanova gulmira-sadykova nurlan-abenov
    malika-tursunova bekzod-aliev rustam-khodjaev)

# Checks that need git's history, the outbox and the site at once (one Python per trial):
# prints one line per problem, and writes the state of the journal's submissions to STATE,
# one line each: NUMBER STATE ASSIGNED REVIEWED, ASSIGNED/REVIEWED being the current round's
# reviewers (comma-separated, "-" for none), for choosing the next action.
cat >verify.py <<'PY'
import glob, os, re, sqlite3, subprocess, sys
root, site, check_site, state_file = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]
with open(state_file, "w") as out:
    for rec in sorted(glob.glob(root + "/submissions/*/submission.yaml"),
                      key=lambda p: int(p.split("/")[-2])):
        n = rec.split("/")[-2]
        text = open(rec).read()
        state = re.search(r"^state: (\S+)", text, re.M).group(1)
        m = re.search(r"^round: (\d+)", text, re.M)
        rnd = m.group(1) if m else "1"
        assigned = []
        for block in re.findall(r"^- reviewer: (\S+)\n((?:  .*\n)*)", text, re.M):
            r = re.search(r"round: (\d+)", block[1])
            if (r.group(1) if r else "1") == rnd:
                assigned.append(block[0])
        d = os.path.join(os.path.dirname(rec), "reviews", "round-" + rnd)
        reviewed = sorted(f[:-5] for f in os.listdir(d)) if os.path.isdir(d) else []
        print(n, state, ",".join(assigned) or "-", ",".join(reviewed) or "-", file=out)
log = subprocess.run(["git", "-C", root, "log", "--format=%H%x00%B%x01"],
                     capture_output=True, text=True, check=True).stdout
commits, holders = set(), set()
for entry in log.split("\x01"):
    entry = entry.strip("\n")
    if not entry:
        continue
    h, body = entry.split("\x00", 1)
    commits.add(h)
    if re.search(r"^Journal-Mail: \S+$", body, re.M):
        holders.add(h)
db = os.path.join(root, ".journal", "outbox.db")
refs = {}
if os.path.exists(db):
    c = sqlite3.connect(db)
    for mid, state, ref in c.execute("SELECT id, state, ref FROM messages"):
        if state != "queued":
            print(f"outbox: message {mid} is {state}, not queued")
        elif not ref or ref not in commits:
            print(f"outbox: message {mid} refers to {ref}, which is not a commit in the history")
        refs[ref] = refs.get(ref, 0) + 1
for h in sorted(holders):
    if h not in refs:
        print(f"outbox: commit {h[:12]} held mail, but no message was released for it")
if check_site and os.path.isdir(site):
    for dirpath, dirs, files in os.walk(site):
        for d in dirs:
            if d.startswith(".journal-staging."):
                print(f"site: staging folder {d} left")
        # What a staging folder holds is not the site: it is never moved in, only removed.
        dirs[:] = [d for d in dirs if not d.startswith(".journal-staging.")]
        for f in files:
            p = os.path.join(dirpath, f)
            if re.search(r"\.tmp\.\d+$", f):
                print(f"site: temporary file {p}")
                continue
            if f.endswith(".html"):
                tail = open(p, "rb").read()[-64:].rstrip()
                if not tail.endswith(b"</html>"):
                    print(f"site: {p} is cut short")
            elif f.endswith(".xml"):
                tail = open(p, "rb").read()[-64:].rstrip()
                if not tail.endswith(b">"):
                    print(f"site: {p} is cut short")
PY

# The commits of actions that reported success, and what each must have left.
: >succeeded
: >expected_files
# Calibration: how long each action takes here, for the random delays (milliseconds).
declare -A RUNTIME
now_ms() { date +%s%3N; }
timed() {
    local name=$1 t0
    shift
    t0=$(now_ms)
    "$@" >/dev/null 2>"$TEST_TMP/calibrate.err" || {
        fail "calibration: $name" "$(head -c 1500 "$TEST_TMP/calibrate.err")"
        finish
    }
    RUNTIME[$name]=$(($(now_ms) - t0 + 1))
    git -C "$J" rev-parse HEAD >>succeeded
}
timed submit "$JOURNAL" -C "$J" submit "$TEST_TMP/ms.md"
timed assign "$JOURNAL" -C "$J" assign 12 --reviewer asel-bekova --override-conflict "fault test"
timed review "$JOURNAL" -C "$J" review 12 --verdict accept --comments "$TEST_TMP/c.md" --as asel-bekova
timed decide "$JOURNAL" -C "$J" decide 12 accept
timed build-issue "$JOURNAL" -C "$J" build-issue 3 --add 12
timed build-site "$JOURNAL" -C "$J" build-site
echo "# runtimes (ms): $(for a in "${!RUNTIME[@]}"; do printf '%s=%s ' "$a" "${RUNTIME[$a]}"; done)"
NEXT_ISSUE=4

# pick_action: sets ACTION and ARGS (an array) from the journal's state.
pick_action() {
    local n state assigned reviewed
    local -a can=(submit submit build-site)
    local -a assign_n=() review_n=() review_r=() decide_n=() issue_n=()
    while read -r n state assigned reviewed; do
        [ "$n" -le 11 ] && continue # the sample's own
        case $state in
        submitted) assign_n+=("$n") ;;
        under-review)
            local r pending=
            for r in ${assigned//,/ }; do
                [[ ",$reviewed," == *",$r,"* ]] || pending=$r
            done
            if [ -n "$pending" ]; then
                review_n+=("$n")
                review_r+=("$pending")
            elif [ "$reviewed" != - ]; then
                decide_n+=("$n")
            else
                assign_n+=("$n")
            fi
            ;;
        accepted) issue_n+=("$n") ;;
        esac
    done <"$TEST_TMP/state"
    [ ${#assign_n[@]} -gt 0 ] && can+=(assign assign)
    [ ${#review_n[@]} -gt 0 ] && can+=(review review)
    [ ${#decide_n[@]} -gt 0 ] && can+=(decide decide)
    [ ${#issue_n[@]} -gt 0 ] && can+=(build-issue build-issue)
    ACTION=${can[RANDOM % ${#can[@]}]}
    local i
    case $ACTION in
    submit) ARGS=(submit "$TEST_TMP/ms.md") ;;
    assign)
        n=${assign_n[RANDOM % ${#assign_n[@]}]}
        ARGS=(assign "$n" --reviewer "${REVIEWERS[RANDOM % ${#REVIEWERS[@]}]}"
            --override-conflict "fault test")
        # A reviewer already in this round would be refused: take another.
        local line
        line=$(grep -E "^$n " "$TEST_TMP/state")
        for i in "${!REVIEWERS[@]}"; do
            [[ ",$(echo "$line" | cut -d' ' -f3)," == *",${ARGS[3]},"* ]] || break
            ARGS[3]=${REVIEWERS[i]}
        done
        ;;
    review)
        i=$((RANDOM % ${#review_n[@]}))
        ARGS=(review "${review_n[i]}" --verdict accept --comments "$TEST_TMP/c.md"
            --as "${review_r[i]}")
        ;;
    decide) ARGS=(decide "${decide_n[RANDOM % ${#decide_n[@]}]}" accept) ;;
    build-issue)
        ARGS=(build-issue "$NEXT_ISSUE" --add "${issue_n[RANDOM % ${#issue_n[@]}]}")
        ;;
    build-site) ARGS=(build-site) ;;
    esac
}

# expected_after ACTION ARGS...: a check that holds once the action has happened.
record_expectation() {
    case $1 in
    submit) echo "file submissions/$NEW_NUMBER/manuscript.md" ;;
    assign) echo "grep submissions/$2/submission.yaml ^- reviewer: $4\$" ;;
    review) echo "file submissions/$2/reviews/round-1/${8}.yaml" ;;
    decide) echo "grep submissions/$2/submission.yaml ^accepted: " ;;
    build-issue) echo "file issues/$2.yaml" ;;
    esac >>expected_files
}

more=$("$PY" -S verify.py "$J" "$J/_site" 1 "$TEST_TMP/state" 2>&1)
check_eq "the journal is consistent before the first kill" "" "$more"
KILL_POINTS=(before-commit after-commit mid-worktree before-index before-release)
killed=0 completed=0 by_point=0 index_compared=0
declare -A DONE KILLED
for trial in $(seq 1 "$TRIALS"); do
    pick_action
    before=$(git -C "$J" rev-parse HEAD)
    count_before=$(commit_count "$J")
    max_number=$(ls "$J/submissions" | grep -E '^[0-9]+$' | sort -n | tail -1)
    point=
    if [ "$ACTION" != build-site ] && [ $((RANDOM % 5)) -lt 2 ]; then
        point=${KILL_POINTS[RANDOM % ${#KILL_POINTS[@]}]}
        env JOURNAL_TEST_KILL_AT="$point" "$JOURNAL" -C "$J" "${ARGS[@]}" \
            >"$TEST_TMP/action.out" 2>"$TEST_TMP/action.err" </dev/null
        rc=$?
        how="at $point"
        by_point=$((by_point + 1))
    else
        runtime=${RUNTIME[$ACTION]}
        delay=$((RANDOM * 32768 + RANDOM))
        delay=$((delay % (runtime * 16 / 10 + 1)))
        "$JOURNAL" -C "$J" "${ARGS[@]}" >"$TEST_TMP/action.out" 2>"$TEST_TMP/action.err" </dev/null &
        pid=$!
        sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        rc=$?
        how="after ${delay} ms"
    fi
    desc="trial $trial: ${ARGS[*]} killed $how"
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TEST_TMP/action.err"; then
        fail "$desc: sanitizer report" "$(head -c 3000 "$TEST_TMP/action.err")"
    fi
    case $rc in
    0)
        completed=$((completed + 1))
        DONE[$ACTION]=$((${DONE[$ACTION]:-0} + 1))
        if [ "$ACTION" != build-site ]; then
            git -C "$J" rev-parse HEAD >>succeeded
            NEW_NUMBER=$((max_number + 1))
            record_expectation "${ARGS[@]}"
        fi
        ;;
    137) killed=$((killed + 1)) KILLED[$ACTION]=$((${KILLED[$ACTION]:-0} + 1)) ;;
    *)
        fail "$desc: exit $rc (expected success or death by SIGKILL)" \
            "$(head -c 1500 "$TEST_TMP/action.err")"
        ;;
    esac
    [ "$ACTION" = build-issue ] && [ "$(git -C "$J" rev-parse HEAD)" != "$before" ] &&
        NEXT_ISSUE=$((NEXT_ISSUE + 1))

    problems=()
    # The documented recovery: the next command finishes the work tree (any command) and
    # settles held mail (a command that opens the outbox). Every third trial the index is
    # brought up to date first, so that doctor compares it with git row by row.
    if [ $((trial % 3)) -eq 0 ]; then
        "$JOURNAL" -C "$J" list >/dev/null 2>"$TEST_TMP/recover.err" ||
            problems+=("journal list failed: $(head -c 500 "$TEST_TMP/recover.err")")
    fi
    "$JOURNAL" -C "$J" outbox list >/dev/null 2>"$TEST_TMP/recover.err" ||
        problems+=("recovery (journal outbox list) failed: $(head -c 500 "$TEST_TMP/recover.err")")
    if ! "$JOURNAL" -C "$J" doctor --json >"$TEST_TMP/doctor.json" 2>"$TEST_TMP/doctor.err"; then
        [ -s "$TEST_TMP/doctor.json" ] || cp "$TEST_TMP/doctor.err" "$TEST_TMP/doctor.json"
        # A killed build-site's staging folder waits for the next build-site (or --fix).
        others=$("$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
for p in d["problems"]:
    if not (p["kind"] == "temp" and p["file"].startswith("_site/")):
        print(p.get("file"), p["message"])' "$TEST_TMP/doctor.json" 2>&1)
        if [ -n "$others" ] || [ "$ACTION" != build-site ]; then
            problems+=("journal doctor: $others $(head -c 1500 "$TEST_TMP/doctor.json")")
        elif ! "$JOURNAL" -C "$J" doctor --fix >"$TEST_TMP/doctor.out" 2>&1 ||
            ! "$JOURNAL" -C "$J" doctor >"$TEST_TMP/doctor.out" 2>&1; then
            problems+=("journal doctor after --fix: $(head -c 1500 "$TEST_TMP/doctor.out")")
        fi
    fi
    grep -q '"index_compared": true' "$TEST_TMP/doctor.json" && index_compared=$((index_compared + 1))
    fsck=$(git -C "$J" fsck --strict --no-progress 2>&1)
    fsck_rc=$?
    if [ $fsck_rc -ne 0 ] || { [ -n "$fsck" ] && echo "$fsck" | grep -qvE '^(dangling|unreachable) '; }; then
        problems+=("git fsck --strict (exit $fsck_rc): $fsck")
    fi
    missing=$(git -C "$J" rev-list HEAD | grep -vxF -f - succeeded)
    [ -z "$missing" ] || problems+=("commits of successful actions missing from HEAD: $missing")
    while read -r kind path pattern; do
        case $kind in
        file) [ -f "$J/$path" ] || problems+=("$path (of a successful action) is missing") ;;
        grep) grep -qE "$pattern" "$J/$path" 2>/dev/null ||
            problems+=("$path does not match /$pattern/ (a successful action's change)") ;;
        esac
    done <expected_files
    count_after=$(commit_count "$J")
    moved=$((count_after - count_before))
    if [ "$ACTION" = build-site ]; then
        [ $moved -eq 0 ] || problems+=("build-site made $moved commits")
    elif [ $moved -gt 1 ]; then
        problems+=("one action made $moved commits")
    elif [ $moved -eq 0 ] && [ $rc -eq 0 ]; then
        problems+=("the action succeeded without a commit")
    fi
    status=$(git -C "$J" status --porcelain --untracked-files=all)
    [ -z "$status" ] ||
        problems+=("the work tree or git's index differs from HEAD (half an action): $status")
    tracked_tmp=$(git -C "$J" ls-files | grep -E '\.tmp\.[0-9]+$|journal-staging')
    [ -z "$tracked_tmp" ] || problems+=("temporary files in the tracked tree: $tracked_tmp")
    site_check=0
    [ "$ACTION" = build-site ] && site_check=1
    more=$("$PY" -S verify.py "$J" "$J/_site" $site_check "$TEST_TMP/state" 2>&1)
    [ -z "$more" ] || problems+=("$more")
    if [ ${#problems[@]} -eq 0 ]; then
        pass "$desc (exit $rc): consistent"
    else
        fail "$desc (exit $rc)" "${problems[@]}" "seed $SEED"
        [ "${FAULT_KEEP_GOING:-0}" = 1 ] || break
    fi
done

echo "# $killed killed ($by_point at named points), $completed completed"
echo "# doctor compared the index with git after $index_compared trials"
echo "# completed: $(for a in "${!DONE[@]}"; do printf '%s=%s ' "$a" "${DONE[$a]}"; done)"
echo "# killed: $(for a in "${!KILLED[@]}"; do printf '%s=%s ' "$a" "${KILLED[$a]}"; done)"
# The trials must have killed something of every kind, or they tested nothing.
for a in submit assign review decide build-issue build-site; do
    [ "$TRIALS" -lt 100 ] || check "some $a was killed" -- test "${KILLED[$a]:-0}" -gt 0
done
[ "$TRIALS" -lt 100 ] || check "doctor compared the index with git" -- test "$index_compared" -gt 0

# The first build into a new folder (staged as the site's tree, moved in at the end): killed,
# it leaves no torn file, only its staging folder (removed by the next build, or doctor --fix).
for trial in $(seq 1 6); do
    rm -rf "$TEST_TMP/fresh"
    delay=$((RANDOM % (RUNTIME[build-site] * 3 + 1)))
    "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/fresh" >/dev/null 2>&1 </dev/null &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    more=$("$PY" -S verify.py "$J" "$TEST_TMP/fresh" 1 "$TEST_TMP/state" 2>&1 |
        grep -v 'staging folder')
    check_eq "a first build-site into a new folder killed after $delay ms leaves no torn file" "" "$more"
    # The next build finishes the site and takes the dead build's staging folder away.
    if [ -d "$TEST_TMP/fresh" ]; then
        "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/fresh" >/dev/null 2>"$TEST_TMP/fresh.err"
        rc=$?
        more=$("$PY" -S verify.py "$J" "$TEST_TMP/fresh" 1 "$TEST_TMP/state" 2>&1)
        [ -f "$TEST_TMP/fresh/index.html" ] || more+=" no index.html"
        check_eq "the build after it (exit $rc) leaves a whole site and no staging folder" "" \
            "$more$(cat "$TEST_TMP/fresh.err")"
    fi
done
finish
