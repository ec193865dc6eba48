"""Check assign_solve against an independent linear program (scipy's HiGHS).

For each random instance the driver's answer must be a valid assignment (allowed
pairs only, each at most once, needs and capacities respected), its cardinality
must equal the LP's maximum and its total the LP's maximum weight among
maximum-cardinality assignments. The constraint matrix (bipartite incidence) is
totally unimodular, so the LP optima are those of the integer problem.

Usage: assign_lp.py DRIVER [SEEDS]
"""

import random
import subprocess
import sys

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

REL_TOL = 1e-6


def generate(seed):
    rng = random.Random(seed)
    kind = seed % 7
    nsubs, nrevs, k, density = 40, 60, 3, 0.6
    caps = [rng.randint(1, 4) for _ in range(nrevs)]
    if kind == 1:  # infeasible: too little capacity overall
        caps = [rng.randint(0, 2) for _ in range(nrevs)]
        nsubs = 60
    elif kind == 2:  # infeasible for some: sparse eligibility
        density = 0.05
    elif kind == 3:  # larger and denser, so the candidate graph misses pairs
        nsubs, nrevs, density = 120, 150, 0.8
        caps = [rng.randint(1, 3) for _ in range(nrevs)]
    elif kind in (5, 6):  # everyone prefers the same reviewers: pricing must add pairs
        nsubs, nrevs, density = 80, 200, 0.9
        caps = [rng.randint(1, 2) for _ in range(nrevs)]
        if kind == 6:  # ... and some submissions can only be served by contested reviewers
            caps = [rng.randint(0, 1) for _ in range(nrevs)]
    quality = [rng.random() for _ in range(nrevs)]
    need = [k if rng.random() > 0.1 else rng.randint(0, k) for _ in range(nsubs)]
    edges = []
    for i in range(nsubs):
        for j in range(nrevs):
            if rng.random() < density:
                if kind == 4:  # heavy ties
                    w = float(rng.randint(0, 3))
                elif kind in (5, 6):
                    w = quality[j] * 10 + rng.random()
                elif rng.random() < 0.2:
                    w = 0.0
                else:
                    w = rng.random()
                edges.append((i, j, w))
    rng.shuffle(edges)
    return nsubs, nrevs, need, caps, edges


def to_text(inst):
    nsubs, nrevs, need, caps, edges = inst
    lines = [f"{nsubs} {nrevs} {len(edges)}", " ".join(map(str, need)) or "",
             " ".join(map(str, caps)) or ""]
    lines += [f"{i} {j} {w!r}" for i, j, w in edges]
    return "\n".join(lines) + "\n"


def lp_optimum(inst):
    nsubs, nrevs, need, caps, edges = inst
    m = len(edges)
    if m == 0:
        return 0, 0.0
    rows = [i for i, _, _ in edges] + [nsubs + j for _, j, _ in edges]
    cols = list(range(m)) * 2
    a_ub = coo_matrix((np.ones(2 * m), (rows, cols)), shape=(nsubs + nrevs, m)).tocsr()
    b_ub = np.array(need + caps, dtype=float)
    bounds = [(0, 1)] * m
    # Stage 1: maximum cardinality.
    res = linprog(-np.ones(m), A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    card = int(round(-res.fun))
    # Stage 2: maximum weight among assignments of that cardinality.
    w = np.array([e[2] for e in edges])
    res = linprog(-w, A_ub=a_ub, b_ub=b_ub, A_eq=np.ones((1, m)), b_eq=[card],
                  bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return card, -res.fun


def parse(out):
    total, pairs, short, rounds = None, [], {}, None
    for line in out.splitlines():
        f = line.split()
        if f[0] == "total":
            total = float(f[1])
        elif f[0] == "pair":
            pairs.append((int(f[1]), int(f[2])))
        elif f[0] == "short_sub":
            short[int(f[1])] = int(f[2])
        elif f[0] == "rounds":
            rounds = int(f[1])
    return total, pairs, short, rounds


def check(driver, seed):
    inst = generate(seed)
    nsubs, nrevs, need, caps, edges = inst
    proc = subprocess.run([driver], input=to_text(inst), capture_output=True, text=True)
    if proc.returncode != 0:
        return f"driver failed ({proc.returncode}): {proc.stderr.strip()}"
    total, pairs, short, rounds = parse(proc.stdout)
    weight = {(i, j): w for i, j, w in edges}
    if len(set(pairs)) != len(pairs):
        return "a pair chosen twice"
    got_s, got_r, mine = [0] * nsubs, [0] * nrevs, 0.0
    for i, j in pairs:
        if (i, j) not in weight:
            return f"forbidden pair ({i}, {j}) chosen"
        got_s[i] += 1
        got_r[j] += 1
        mine += weight[(i, j)]
    if any(got_s[i] > need[i] for i in range(nsubs)):
        return "a submission got more than it needs"
    if any(got_r[j] > caps[j] for j in range(nrevs)):
        return "a reviewer over capacity"
    expect_short = {i: need[i] - got_s[i] for i in range(nsubs) if got_s[i] < need[i]}
    if short != expect_short:
        return "short submissions misreported"
    if abs(mine - total) > 1e-9 * max(1.0, abs(total)):
        return f"reported total {total} but pairs sum to {mine}"
    card, best = lp_optimum(inst)
    if len(pairs) != card:
        return f"{len(pairs)} pairs, LP maximum {card}"
    if abs(total - best) > REL_TOL * max(1.0, abs(best)):
        return f"total {total!r}, LP optimum {best!r}"
    nshort = sum(expect_short.values())
    print(f"seed {seed}: ok  {nsubs}x{nrevs}, {len(edges)} pairs, {card} assigned, "
          f"{nshort} short, total {total:.6f}, {rounds} pricing round(s)")
    return None


def main():
    driver = sys.argv[1]
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 35
    passed = failed = 0
    for seed in range(1, seeds + 1):
        try:
            problem = check(driver, seed)
        except Exception as exc:  # a crash in the checker is a failure too
            problem = f"checker error: {exc!r}"
        if problem:
            failed += 1
            print(f"seed {seed}: FAIL {problem}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
