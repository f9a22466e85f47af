"""Which stage to run patch by patch, and in how many patches (`--patch auto|N|off`).

For a given N, every stage patch.stages offers (the first chain's first 2, 3, ... ops) whose
halo costs at most MAX_EXTRA_PCT of the model's MACs is planned (quick heuristic plans, judged
by their lower bound), and the one with the smallest arena wins (ties: fewer extra MACs).

`auto`:
- when the model does not fit the board's RAM without patches: the smallest N (2 .. MAX_N)
  whose best stage fits;
- when it fits anyway: the N and stage with the smallest arena among those that cost at most
  the balanced rule's 5 % of the model's instructions (estimated by patch_cost.py: the halo at
  each op's own instructions per MAC, every patch's calls and copies), and only if that arena
  is smaller than the unpatched one; otherwise no patches. (In both cases
  the final plan is kept only if it is smaller than the unpatched one, or fits where that
  does not.)
Without --patch the build is unpatched, unless the model does not fit: then `auto` is tried
before refusing.
"""
from __future__ import annotations

from dataclasses import replace

from tinyc.backends.native.balance import MAX_EXTRA
from tinyc.backends.native.patch import MAX_N, PatchSpec, patch_macs, stages, valid_split
from tinyc.backends.native.patch_cost import extra_instructions_pct
from tinyc.errors import TinycError
from tinyc.ops import macs

MAX_EXTRA_PCT = 20.0      # a halo costing more than a fifth of the model's MACs: never worth it
PATCH_CHOICES = ("off", "auto")


def parse(value: str | None) -> str | int | None:
    """--patch's value: None (not given), "off", "auto" or N >= 2."""
    if value is None or value in PATCH_CHOICES:
        return value
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 2 <= n <= MAX_N:
        raise TinycError(f"--patch takes auto, off or a number of patches per side from 2 to "
                         f"{MAX_N} (got {value!r})")
    return n


def _extra_pct(graph, spec: PatchSpec, total: int) -> float:
    stage = sum(macs(graph, graph.ops[k]) for k in spec.ops)
    return 100.0 * (patch_macs(graph, spec) - stage) / max(total, 1)


def candidates(graph, n: int, limit_pct: float = MAX_EXTRA_PCT) -> list[tuple[PatchSpec, float]]:
    total = sum(macs(graph, op) for op in graph.ops)
    out = []
    for ops in stages(graph):
        spec = PatchSpec(ops, n)
        if not valid_split(graph, spec):
            continue
        pct = _extra_pct(graph, spec, total)
        if pct <= limit_pct:
            out.append((spec, pct))
    return out


def best_stage(graph, n: int, trial_plan, limit_pct: float = MAX_EXTRA_PCT, cost=None):
    """(spec, estimated arena) of the stage with the least arena for n patches per side, or
    None; cost(spec) -> False leaves a stage out. A quick plan's lower bound is the estimate:
    the heuristics seldom reach a stage's overlap that the exact solver of the final plan
    does."""
    best = None
    for spec, pct in candidates(graph, n, limit_pct):
        if cost is not None and not cost(spec):
            continue
        estimate = trial_plan(spec).lower_bound_bytes
        if best is None or (estimate, pct) < (best[1], best[2]):
            best = (spec, estimate, pct)
    return best[:2] if best else None


def choose(graph, patch, target, plain, trial_plan, fits, cost=None,
           tried: dict | None = None) -> PatchSpec | None:
    """The stage and split for --patch `patch` (an int or "auto"); plain: the unpatched plan,
    trial_plan(spec) -> a quick plan, fits(bytes) -> whether the board's RAM holds an arena
    that size, cost(graph, spec, target) -> the estimated extra instructions in % of the
    model's (default extra_instructions_pct). For auto the caller keeps the unpatched plan when
    the patched one comes out no smaller. When the model does not fit and no split makes it,
    `tried` gets {"max_n", "per_side", "arena_bytes"}: the least estimated arena any reached."""
    cost = cost or extra_instructions_pct
    if isinstance(patch, int):
        best = best_stage(graph, patch, trial_plan)
        if best is None:
            raise TinycError(f"--patch {patch}: this model has no stage to run in patches (a "
                             "chain of at least two int8 CONV_2D, DEPTHWISE_CONV_2D, unpadded "
                             "pooling or unary ops from the input whose output is at least "
                             f"{patch} pixels high and wide); drop --patch")
        return best[0]
    if not fits(plain.arena_bytes):
        least = None
        for n in range(2, MAX_N + 1):
            best = best_stage(graph, n, trial_plan)
            if best is not None and fits(best[1]):
                return best[0]
            if best is not None and (least is None or best[1] < least[1]):
                least = (n, best[1])
        if least is not None and tried is not None:
            tried.update(max_n=MAX_N, per_side=least[0], arena_bytes=least[1])
        return None
    def cheap(spec):
        return cost(graph, spec, target) <= 100.0 * MAX_EXTRA

    best = None
    for n in range(2, MAX_N + 1):
        b = best_stage(graph, n, trial_plan, cost=cheap)
        if b is not None and (best is None or b[1] < best[1]):
            best = b
    return best[0] if best and best[1] < plain.arena_bytes else None


def with_patch(target, spec):
    return replace(target, patch=spec)
