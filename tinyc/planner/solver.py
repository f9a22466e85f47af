"""Exact offset assignment with OR-Tools CP-SAT: the optimum, or the best found plus a bound.

Positions and sizes are in units of the alignment, so the model is exact. Deterministic:
one worker, a fixed seed and a deterministic time limit (wall time only as a backstop).

CP-SAT runs in a child process (tinyc/planner/cpsat_worker.py): OR-Tools and TensorFlow
ship clashing native libraries and crash when both are loaded in one process, and a
planner must never take its caller down. If the child fails, the heuristics' plan stands.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from tinyc.planner.lifetimes import Buffer, Overlap, align_up


@dataclass
class SolverResult:
    offsets: list[int] | None
    arena: int | None
    bound: int        # proven lower bound on the arena, bytes
    optimal: bool


def solve(buffers: list[Buffer], alignment: int, lower_bound: int, hint: list[int],
          time_limit_s: float, overlaps: list[Overlap] = ()) -> SolverResult:
    units = [align_up(b.size, alignment) // alignment for b in buffers]
    problem = {
        "units": units, "spans": [[b.start, b.end] for b in buffers],
        "hint": [o // alignment for o in hint], "lower": lower_bound // alignment,
        "time_limit_s": time_limit_s,
        "overlaps": [[ov.input, ov.output, ov.shift_aligned(alignment) // alignment,
                      ov.above_aligned(alignment) // alignment, ov.step] for ov in overlaps],
    }
    try:
        p = subprocess.run([sys.executable, "-m", "tinyc.planner.cpsat_worker"],
                           input=json.dumps(problem), capture_output=True, text=True,
                           timeout=time_limit_s * 4 + 30)
        res = json.loads(p.stdout) if p.returncode == 0 else None
    except (subprocess.TimeoutExpired, json.JSONDecodeError, OSError):
        res = None
    if not res or res["offsets"] is None:
        bound = res["bound"] * alignment if res else lower_bound
        return SolverResult(None, None, max(bound, lower_bound), False)
    return SolverResult([o * alignment for o in res["offsets"]], res["arena"] * alignment,
                        max(res["bound"] * alignment, lower_bound), res["optimal"])
