"""Exact offset assignment with OR-Tools CP-SAT: the optimum, or the best found plus a bound.

Positions and sizes are in units of the alignment, so the model is exact. Deterministic:
one worker, a fixed seed and a deterministic time limit (wall time only as a backstop).
"""
from __future__ import annotations

from dataclasses import dataclass

from tinyc.planner.lifetimes import Buffer, align_up


@dataclass
class SolverResult:
    offsets: list[int] | None
    arena: int | None
    bound: int        # proven lower bound on the arena, bytes
    optimal: bool


def solve(buffers: list[Buffer], alignment: int, lower_bound: int, hint: list[int],
          time_limit_s: float) -> SolverResult:
    from ortools.sat.python import cp_model

    units = [align_up(b.size, alignment) // alignment for b in buffers]
    hint_u = [o // alignment for o in hint]
    upper = max((h + u for h, u in zip(hint_u, units)), default=0)
    lb = lower_bound // alignment
    m = cp_model.CpModel()
    height = m.NewIntVar(lb, upper, "arena")
    xs, ys, offs = [], [], []
    for i, (b, u) in enumerate(zip(buffers, units)):
        off = m.NewIntVar(0, max(upper - u, 0), f"o{i}")
        ys.append(m.NewFixedSizeIntervalVar(off, u, f"y{i}"))
        xs.append(m.NewFixedSizeIntervalVar(b.start, b.end - b.start + 1, f"x{i}"))
        m.Add(off + u <= height)
        m.AddHint(off, hint_u[i])
        offs.append(off)
    m.AddNoOverlap2D(xs, ys)
    m.Minimize(height)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = 0
    p.max_deterministic_time = time_limit_s
    p.max_time_in_seconds = time_limit_s * 3 + 1
    status = solver.Solve(m)
    bound = int(solver.BestObjectiveBound()) * alignment if status in (
        cp_model.OPTIMAL, cp_model.FEASIBLE) else lower_bound
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SolverResult(None, None, max(bound, lower_bound), False)
    offsets = [solver.Value(o) * alignment for o in offs]
    arena = int(solver.Value(height)) * alignment
    return SolverResult(offsets, arena, max(bound, lower_bound), status == cp_model.OPTIMAL)
