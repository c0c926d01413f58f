#!/usr/bin/env python3
"""Writes schedule.json: small meeting-scheduling instances with their optimum found by brute force
(every way to put each request in a slot or leave it out), independently of the C code.
Run: python3 tests/data/dock/gen_schedule.py

Objective, lexicographic: most meetings placed; then most participants with at least one meeting;
then the largest sum of priorities. A schedule is valid when nobody is in two meetings in one slot,
no slot holds more meetings than tables, and both sides can attend the slot."""
import json
import os
import random


def brute(n, S, T, avail, reqs):
    # the live requests: first of each unordered pair, not self
    seen, live = set(), []
    for i, (a, b, pr) in enumerate(reqs):
        key = (min(a, b), max(a, b))
        if a != b and key not in seen:
            seen.add(key)
            live.append(i)
    best = [(-1, -1, -1)]
    busy = [0] * n
    used = [0] * S
    cnt = [0] * n

    def rec(k, placed, prio):
        if k == len(live):
            cov = sum(1 for c in cnt if c > 0)
            best[0] = max(best[0], (placed, cov, prio))
            return
        # bound: even placing all remaining cannot beat the best on meetings
        if placed + (len(live) - k) < best[0][0]:
            return
        a, b, pr = reqs[live[k]]
        for s in range(S):
            bit = 1 << s
            if used[s] < T and not (busy[a] & bit) and not (busy[b] & bit) and avail[a] & avail[b] & bit:
                busy[a] |= bit
                busy[b] |= bit
                used[s] += 1
                cnt[a] += 1
                cnt[b] += 1
                rec(k + 1, placed + 1, prio + pr)
                busy[a] &= ~bit
                busy[b] &= ~bit
                used[s] -= 1
                cnt[a] -= 1
                cnt[b] -= 1
        rec(k + 1, placed, prio)

    rec(0, 0, 0)
    return best[0]


def instance(rng, name, bipartite, limited, prios):
    S = rng.randint(1, 3)
    T = rng.randint(1, 3)
    if bipartite:
        nl, nr = rng.randint(1, 4), rng.randint(1, 4)
        n = nl + nr
        pairs = [(rng.randrange(nl), nl + rng.randrange(nr)) for _ in range(rng.randint(3, 9))]
    else:
        n = rng.randint(3, 6)
        pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(3, 8))]
    full = (1 << S) - 1
    avail = [rng.randint(0, full) if limited and rng.random() < 0.6 else full for _ in range(n)]
    reqs = [(a, b, rng.randint(0, 3) if prios else 0) for a, b in pairs]
    opt = brute(n, S, T, avail, reqs)
    return {
        "name": name,
        "participants": n,
        "slots": S,
        "tables": T,
        "availability": avail if limited else None,
        "requests": [{"a": a, "b": b, "priority": p} for a, b, p in reqs],
        "optimum": {"placed": opt[0], "covered": opt[1], "priority": opt[2]},
        "exact": bipartite and (not limited or all(x == full for x in avail)),
    }


def main():
    rng = random.Random(20261201)
    cases = []
    # hand-made: a star that needs the slots balanced, a triangle (odd cycle), coverage trade-off
    cases.append({"name": "star needs balancing", "participants": 5, "slots": 2, "tables": 2,
                  "availability": None,
                  "requests": [{"a": 0, "b": k, "priority": 0} for k in (1, 2)]
                  + [{"a": 3, "b": k, "priority": 0} for k in (1, 2, 4)],
                  "exact": True})
    cases.append({"name": "triangle", "participants": 3, "slots": 2, "tables": 3,
                  "availability": None,
                  "requests": [{"a": 0, "b": 1, "priority": 0}, {"a": 1, "b": 2, "priority": 0},
                               {"a": 2, "b": 0, "priority": 0}], "exact": False})
    cases.append({"name": "coverage beats a busy hub", "participants": 4, "slots": 1, "tables": 2,
                  "availability": None,
                  "requests": [{"a": 0, "b": 2, "priority": 3}, {"a": 0, "b": 3, "priority": 0},
                               {"a": 1, "b": 2, "priority": 0}], "exact": True})
    for c in cases:
        reqs = [(r["a"], r["b"], r["priority"]) for r in c["requests"]]
        full = (1 << c["slots"]) - 1
        av = c["availability"] or [full] * c["participants"]
        o = brute(c["participants"], c["slots"], c["tables"], av, reqs)
        c["optimum"] = {"placed": o[0], "covered": o[1], "priority": o[2]}
    for k in range(30):
        cases.append(instance(rng, "bipartite %d" % k, True, False, k % 2 == 1))
    for k in range(15):
        cases.append(instance(rng, "bipartite with availability %d" % k, True, True, False))
    for k in range(15):
        cases.append(instance(rng, "general %d" % k, False, k % 3 == 0, False))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schedule.json")
    with open(out, "w") as f:
        json.dump({"generator": "gen_schedule.py", "cases": cases}, f, indent=1)
        f.write("\n")


main()
