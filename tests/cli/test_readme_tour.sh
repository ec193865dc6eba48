#!/usr/bin/env bash
# The README's five-minute tour, run as a new user would run it: every ```sh block of the
# section "A five-minute tour", in order, in an empty folder, and every ```text block after
# one is what it must print (commit ids and the scratch folder's name aside). The tour once
# stopped at its second command for weeks without a test noticing.
. "$(dirname "$0")/lib.sh"

T=$TEST_TMP/tour
mkdir -p "$T/bin"
ln -s "$JOURNAL" "$T/bin/journal"
export JOURNAL_TODAY=2026-12-07 # the README's outputs show that day
check "the README's tour runs and prints what the README shows" -- \
    /usr/bin/python3 - "$SOURCE_DIR/README.md" "$T" <<'PY'
import os, re, subprocess, sys
readme, work = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
start = text.index("## A five-minute tour")
end = text.index("\n## Read on", start)
blocks = re.findall(r"```(sh|text)\n(.*?)```", text[start:end], flags=re.S)
assert blocks and blocks[0][0] == "sh", "the tour starts with a sh block"

def norm(line):
    line = re.sub(r"/tmp/[^ ]*?/jcss/_site", "SITE", line)
    line = re.sub(r"\b[0-9a-f]{7,40}\b", "ID", line)
    return line.rstrip()

# The first block puts the program on PATH and makes the scratch folder: here, bin/ and T.
env = dict(os.environ, PATH=os.path.join(work, "bin") + ":" + os.environ["PATH"])
cwd = work
script, last_output, steps = "", None, 0
for i, (kind, body) in enumerate(blocks[1:], 1):
    if kind == "sh":
        # Serving the site would never return: the tour's last command is the reader's.
        body = "\n".join(l for l in body.splitlines() if not l.startswith("python3 -m http.server"))
        marker = f"@@tour block {i} ends in@@"
        full = f"cd {cwd!r}\nset -e\n{body}\necho; echo '{marker}'\"$PWD\"\n"
        r = subprocess.run(["bash", "-c", full], env=env, capture_output=True, text=True)
        out = r.stdout + r.stderr
        assert r.returncode == 0, f"block {i} failed ({r.returncode}):\n{body}\n---\n{out}"
        cwd = r.stdout.rsplit(marker, 1)[1].splitlines()[0]
        last_output = [norm(l) for l in out.replace(marker + cwd, "").splitlines()]
        steps += 1
    else:
        want = [norm(l) for l in body.splitlines() if l.strip()]
        if last_output is None:
            # A text block after a text block: the prose between them names git log.
            got = subprocess.run(["git", "log", "--oneline"], cwd=cwd, capture_output=True,
                                 text=True, check=True).stdout
            last_output = [norm(l) for l in got.splitlines()]
            assert len(last_output) == len(want), f"git log: {last_output} against {want}"
        missing = [w for w in want if w not in last_output]
        assert not missing, f"block {i}: not printed: {missing}\nprinted: {last_output}"
        last_output = None
assert steps >= 5, steps
PY
finish
