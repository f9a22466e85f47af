"""`--optimize balanced`: the least RAM that costs at most 5 % more instructions.

Each op starts on its fastest variant. Ops whose slower variant states an access order (its
output may overlap its input) or needs no scratch (KernelChoice.ram_only) are switched, the
most activation bytes per added instruction first, while the whole model stays within 5 % of
the fastest build's instructions (estimated from MACs, KernelChoice.estimated_instructions:
nothing runs at plan time). Then each switch that costs instructions is undone again if the
arena does not grow without it, and the op at the peak is switched while the budget allows and
the arena shrinks (judged on heuristic plans, at most MAX_UNDO of them each, so balanced never
runs the exact solver more than once).

Row-streamed DSP pairs (fusion.py) are candidates the same way: a pair lowers the arena by the
1x1 output it never stores and costs DSP_PAIR_OVERHEAD more than its two ops apart, and it runs
fused only when chosen here (`Target.fused_ops`).
"""
from __future__ import annotations

from dataclasses import replace

from tinyc.ops import macs

MAX_EXTRA = 0.05
MAX_UNDO = 12


def _select(graph, op, target):
    from tinyc.backends.native.lower import lowering_for
    low = lowering_for(graph, op)
    return low.select(graph, op, target) if low is not None and low.select else None


def balanced_plan(graph, target, plan_with):
    """plan_with(target, trial) -> plan (trial: a quick heuristic plan will do); the balanced
    plan (its rules hold the target it used)."""
    import tinyc.backends.native.ops  # noqa: F401
    from tinyc.backends.native.fusion import dsp_pairs, pair_extra_instructions
    speed = replace(target, optimize="speed", ram_ops=frozenset(), fused_ops=None)
    ram = replace(target, optimize="ram", ram_ops=frozenset(), fused_ops=None)
    total, extra, moved = 0.0, {}, {}
    for op in graph.ops:
        fast, slow = _select(graph, op, speed), _select(graph, op, ram)
        if fast is None:
            continue
        n = macs(graph, op)
        total += fast.estimated_instructions(n)
        if slow != fast and (slow.has_contract or slow.ram_only):
            key = ("op", op.index)
            extra[key] = slow.estimated_instructions(n) - fast.estimated_instructions(n)
            moved[key] = sum(graph.tensors[t].nbytes for t in op.inputs[:1] + op.outputs
                             if t >= 0)
    base = replace(target, optimize="balanced", ram_ops=frozenset(), fused_ops=frozenset())
    for j, k in dsp_pairs(graph, replace(base, fused_ops=None)).items():
        key = ("pair", j)
        extra[key] = pair_extra_instructions(graph, j, k, speed)
        moved[key] = graph.tensors[graph.ops[j].outputs[0]].nbytes

    def with_chosen(keys):
        return replace(base, ram_ops=frozenset(k for kind, k in keys if kind == "op"),
                       fused_ops=frozenset(k for kind, k in keys if kind == "pair"))

    if not extra:
        return plan_with(base, False)
    spent, chosen = 0.0, set()
    for k in sorted(extra, key=lambda k: (-moved[k] / max(extra[k], 1e-9), k)):
        if spent + max(extra[k], 0) <= MAX_EXTRA * total:
            chosen.add(k)
            spent += max(extra[k], 0)
    plan = plan_with(with_chosen(chosen), True)     # the trial plan of `chosen`, kept current
    costly = sorted((k for k in chosen if extra[k] > 0), key=lambda k: (-extra[k], k))
    for k in costly[:MAX_UNDO]:
        trial = plan_with(with_chosen(chosen - {k}), True)
        if trial.arena_bytes <= plan.arena_bytes:
            chosen.discard(k)
            spent -= extra[k]
            plan = trial
    # then the op at the peak, while it has a RAM variant the rest of the budget pays for and
    # switching it lowers the arena (the order above guesses from tensor sizes alone)
    for _ in range(MAX_UNDO):
        k = ("op", plan.peak_op)
        if k not in extra or k in chosen or spent + max(extra[k], 0) > MAX_EXTRA * total:
            break
        trial = plan_with(with_chosen(chosen | {k}), True)
        if trial.arena_bytes >= plan.arena_bytes:
            break
        chosen.add(k)
        spent += max(extra[k], 0)
        plan = trial
    return plan_with(with_chosen(chosen), False)
