"""The CP-SAT model of the arena (2-D no-overlap: time x address), run in its own process.

stdin: {"units", "spans", "hint", "lower", "time_limit_s", "overlaps"} in alignment units;
an overlap [input, output, shift, above, step] lets the output's (or the op's scratch's) box
share addresses with the dying input's at that step when
offset(output) <= offset(input) + shift or offset(output) >= offset(input) + above;
stdout: {"offsets" or null, "arena", "bound", "optimal"}.
"""
from __future__ import annotations

import json
import sys


def solve(problem: dict) -> dict:
    from ortools.sat.python import cp_model

    units, spans, hint = problem["units"], problem["spans"], problem["hint"]
    lb, limit = problem["lower"], problem["time_limit_s"]
    upper = max((h + u for h, u in zip(hint, units)), default=0)
    overlaps = problem.get("overlaps", [])
    # an overlapping input leaves the 2-D packing one step early; its last step is a 1-D
    # no-overlap with everything live then except its output, plus the contract
    last = {i: step for i, _, _, _, step in overlaps}
    m = cp_model.CpModel()
    height = m.NewIntVar(lb, max(upper, lb), "arena")
    xs, ys, offs = [], [], []
    for i, (u, (start, end)) in enumerate(zip(units, spans)):
        off = m.NewIntVar(0, max(upper - u, 0), f"o{i}")
        y = m.NewFixedSizeIntervalVar(off, u, f"y{i}")
        end = last.get(i, end + 1) - 1
        if end >= start:
            xs.append(m.NewFixedSizeIntervalVar(start, end - start + 1, f"x{i}"))
            ys.append(y)
        m.Add(off + u <= height)
        m.AddHint(off, hint[i])
        offs.append(off)
    m.AddNoOverlap2D(xs, ys)
    partners: dict[int, set[int]] = {}      # a dying input -> its output and/or scratch
    for i, o, _, _, _ in overlaps:
        partners.setdefault(i, set()).add(o)
    for i, step in last.items():
        live = [j for j, (s, e) in enumerate(spans)
                if s <= step <= e and j not in partners[i]]
        m.AddNoOverlap([m.NewFixedSizeIntervalVar(offs[j], units[j], f"s{step}_{j}")
                        for j in live])
    for i, o, shift, above, step in overlaps:
        up = m.NewBoolVar(f"above{step}_{o}")
        m.Add(offs[o] <= offs[i] + shift).OnlyEnforceIf(up.Not())
        m.Add(offs[o] >= offs[i] + above).OnlyEnforceIf(up)
    m.Minimize(height)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = 0
    p.max_deterministic_time = limit
    p.max_time_in_seconds = limit * 3 + 1
    status = solver.Solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"offsets": None, "arena": None, "bound": lb, "optimal": False}
    return {"offsets": [solver.Value(o) for o in offs], "arena": int(solver.Value(height)),
            "bound": int(solver.BestObjectiveBound()), "optimal": status == cp_model.OPTIMAL}


if __name__ == "__main__":
    json.dump(solve(json.load(sys.stdin)), sys.stdout)
