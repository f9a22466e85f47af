"""The CP-SAT model of the arena (2-D no-overlap: time x address), run in its own process.

stdin: {"units", "spans", "hint", "lower", "time_limit_s"} in alignment units;
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
    m = cp_model.CpModel()
    height = m.NewIntVar(lb, max(upper, lb), "arena")
    xs, ys, offs = [], [], []
    for i, (u, (start, end)) in enumerate(zip(units, spans)):
        off = m.NewIntVar(0, max(upper - u, 0), f"o{i}")
        ys.append(m.NewFixedSizeIntervalVar(off, u, f"y{i}"))
        xs.append(m.NewFixedSizeIntervalVar(start, end - start + 1, f"x{i}"))
        m.Add(off + u <= height)
        m.AddHint(off, hint[i])
        offs.append(off)
    m.AddNoOverlap2D(xs, ys)
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
