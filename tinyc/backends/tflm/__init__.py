"""TFLM backend: tinyc's memory plan inside the model, and the exact TFLM arena for a target."""
from __future__ import annotations

from tinyc.backends.tflm.arena import ArenaReport, tflm_arena
from tinyc.backends.tflm.offline import offline_offsets, with_offline_plan


class TflmRules:
    """Planner rules for TFLM: no in-place ops (its kernels were not written for it) and no
    scratch in the plan (TFLM places kernel scratch itself; `arena.py` replays where)."""

    def scratch_bytes(self, graph, op) -> int:
        return 0

    def inplace(self, graph, op) -> bool:
        return False


def plan_for_tflm(graph, board, strategy: str = "auto", time_limit_s: float = 10.0):
    """tinyc's plan in TFLM's execution order (the model's op order): a plan that reorders
    ops gives way to the greedy plan, which never does."""
    from tinyc.planner import plan_memory
    plan = plan_memory(graph, board, rules=TflmRules(), strategy=strategy,
                       time_limit_s=time_limit_s)
    if plan.schedule != list(range(len(graph.ops))):
        plan = plan_memory(graph, board, rules=TflmRules(), strategy="greedy")
    return plan


def generate(graph, board, plan, out_dir, **kw) -> dict:
    """The TFLM application for `board` (see codegen.py)."""
    from tinyc.backends.tflm.codegen import generate as _generate
    return _generate(graph, board, plan, out_dir, **kw)


__all__ = ["generate", "ArenaReport", "tflm_arena", "offline_offsets", "with_offline_plan", "TflmRules",
           "plan_for_tflm"]
