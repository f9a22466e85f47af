"""plan_memory: tensor lifetimes -> offsets in one static arena, best of several strategies."""
from __future__ import annotations

from dataclasses import dataclass, field

from tinyc.errors import TinycError
from tinyc.ir import Graph
from tinyc.planner import heuristics, solver
from tinyc.planner.lifetimes import Lifetimes, align_up, build_lifetimes, live_bytes
from tinyc.planner.rules import DEFAULT_RULES
from tinyc.planner.schedule import min_peak_schedule

STRATEGIES = ("greedy", "heuristic", "optimal", "auto")


@dataclass
class MemoryPlan:
    arena_bytes: int
    lower_bound_bytes: int
    strategy: str                  # the one that won, e.g. "greedy-by-size/first-fit", "cp-sat"
    optimal: bool                  # arena_bytes proven minimal for this schedule and these rules
    alignment: int
    schedule: list[int]
    buffers: list[dict]
    peak_step: int
    live: list[int]                # bytes live at each step (aligned), the lower bound's curve
    tried: dict[str, int] = field(default_factory=dict)   # strategy -> arena bytes
    # the bound if no output could overlap its input (every op's inputs and outputs apart)
    lower_bound_without_overlap_bytes: int = 0
    # ops whose output (or scratch) may overlap its dying input: op, step, input, output
    # (tensor ids; "scratch:opN" for a scratch), the kernel's contract (output start <= input +
    # shift_bytes, or >= input + above_bytes) and the bytes the two share in this plan
    overlaps: list[dict] = field(default_factory=list)
    # op pairs run as one kernel: the producer's output is never stored (not in `tensors`)
    fused: dict[int, int] = field(default_factory=dict)
    _offsets: dict[int, int] = field(default_factory=dict, repr=False)
    _scratch: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)
    rules: object = field(default=None, repr=False, compare=False)   # what it was planned for
    # a model that did not fit with patches either (--patch auto): {"max_n", "per_side",
    # "arena_bytes"}, the least arena any split reached (patch_choice.choose)
    patches_tried: dict | None = field(default=None, repr=False, compare=False)

    def offset(self, tensor_id: int) -> int:
        try:
            return self._offsets[tensor_id]
        except KeyError:
            raise KeyError(f"tensor {tensor_id} is not in the arena (constant or unused)") from None

    def scratch(self, op_index: int) -> tuple[int, int] | None:
        return self._scratch.get(op_index)

    @property
    def peak_op(self) -> int | None:
        return self.schedule[self.peak_step] if self.schedule else None

    def live_at_peak(self) -> list[dict]:
        return [b for b in self.buffers if b["first_op"] <= self.peak_step <= b["last_op"]]

    def to_json(self) -> dict:
        return {"strategy": self.strategy, "arena_bytes": self.arena_bytes,
                "lower_bound_bytes": self.lower_bound_bytes, "optimal": self.optimal,
                "lower_bound_without_overlap_bytes": self.lower_bound_without_overlap_bytes,
                "overlaps": self.overlaps,
                "fused": [{"ops": [j, k]} for j, k in sorted(self.fused.items())],
                "alignment": self.alignment, "schedule": self.schedule,
                "peak": {"step": self.peak_step, "op": self.peak_op,
                         "bytes": self.live[self.peak_step] if self.live else 0},
                "strategies_tried": self.tried, "tensors": self.buffers}


@dataclass
class _Candidate:
    arena: int
    name: str
    life: Lifetimes
    offsets: list[int]


def plan_memory(graph: Graph, board, rules=None, strategy: str = "auto",
                time_limit_s: float = 10.0) -> MemoryPlan:
    if strategy not in STRATEGIES:
        raise TinycError(f"unknown strategy '{strategy}'; choose one of {', '.join(STRATEGIES)}")
    rules = rules or DEFAULT_RULES
    align = board.alignment
    steps = len(graph.ops)
    schedules = [list(range(steps))]
    if strategy != "greedy":
        order = min_peak_schedule(graph, rules, align)
        if order != schedules[0]:
            schedules.append(order)
    tried: dict[str, int] = {}
    best: _Candidate | None = None
    bound, optimal = 0, False
    for n_sched, sched in enumerate(schedules):
        life = build_lifetimes(graph, sched, rules)
        ovs = life.overlaps
        lb = max(live_bytes(life.buffers, steps, align, ovs))
        tag = "" if n_sched == 0 else "+reordered"
        cands = []
        if strategy == "greedy":
            offs = heuristics.greedy_by_size(life.buffers, steps, align, ovs)
            cands.append(("greedy-by-size/first-fit", offs))
        else:
            cands.append(("greedy-by-size/first-fit",
                          heuristics.greedy_by_size(life.buffers, steps, align, ovs)))
            cands.append(heuristics.best_heuristic(life.buffers, steps, align, ovs))
        cands = [_Candidate(heuristics.arena_of(life.buffers, o, align), n + tag, life, o)
                 for n, o in cands]
        top = min(cands, key=lambda c: c.arena)
        proven = top.arena <= lb
        # auto calls the solver only when no heuristic met the bound; optimal always does
        if (strategy == "optimal" or strategy == "auto" and not proven) and life.buffers:
            res = solver.solve(life.buffers, align, lb, top.offsets, time_limit_s, ovs)
            if res.offsets is not None:
                arena = heuristics.arena_of(life.buffers, res.offsets, align)
                cands.append(_Candidate(arena, "cp-sat" + tag, life, res.offsets))
                proven = res.optimal and arena == min(c.arena for c in cands)
            lb = max(lb, res.bound)
        for c in cands:
            tried[c.name] = min(c.arena, tried.get(c.name, c.arena))
        top = min(cands, key=lambda c: c.arena)
        if best is None or top.arena < best.arena:
            best, optimal = top, proven
        elif top.arena == best.arena:
            optimal = optimal or proven
        # a bound holds for its own schedule only; the plan's bound is the weakest of them
        bound = lb if n_sched == 0 else min(bound, lb)
    plan = _make_plan(graph, best, min(bound, best.arena), optimal, align, tried)
    plan.rules = rules
    return plan


def _make_plan(graph: Graph, c: _Candidate, bound: int, optimal: bool, align: int,
               tried: dict) -> MemoryPlan:
    life = c.life
    offsets = {t: c.offsets[b] for t, b in life.tensor_buffer.items()}
    scratch, entries = {}, []
    for t, (first, last) in sorted(life.tensor_span.items()):
        entries.append({"id": t, "name": graph.tensors[t].name, "size": graph.tensors[t].nbytes,
                        "offset": offsets[t], "first_op": first, "last_op": last,
                        "alias_of": life.alias_of.get(t)})
    for i, b in enumerate(life.buffers):
        if b.scratch_op is not None:
            scratch[b.scratch_op] = (c.offsets[i], b.size)
            entries.append({"id": f"scratch:op{b.scratch_op}",
                            "name": f"scratch:op{b.scratch_op} {graph.ops[b.scratch_op].opcode}",
                            "size": b.size, "offset": c.offsets[i], "first_op": b.start,
                            "last_op": b.end, "alias_of": None})
    live = live_bytes(life.buffers, len(life.schedule), align, life.overlaps)
    plain = live_bytes(life.buffers, len(life.schedule), align)
    overlaps = []
    for ov in life.overlaps:
        bx, by = life.buffers[ov.input], life.buffers[ov.output]
        x = bx.members[0]
        y = by.members[0] if by.members else f"scratch:op{by.scratch_op}"
        ox, oy = c.offsets[ov.input], c.offsets[ov.output]
        overlaps.append({"op": ov.op, "step": ov.step, "input_id": x, "output_id": y,
                         "shift_bytes": ov.shift, "above_bytes": ov.above,
                         "overlap_bytes": max(0, min(ox + bx.size, oy + by.size) - max(ox, oy))})
    peak = max(range(len(live)), key=lambda s: (live[s], -s)) if life.schedule else 0
    return MemoryPlan(arena_bytes=align_up(c.arena, align), lower_bound_bytes=bound,
                      strategy=c.name, optimal=optimal, alignment=align,
                      schedule=list(life.schedule), buffers=entries, peak_step=peak,
                      live=live if life.schedule else [], tried=tried,
                      lower_bound_without_overlap_bytes=max(plain) if life.schedule else 0,
                      overlaps=overlaps, fused=dict(life.fused),
                      _offsets=offsets, _scratch=scratch)
