"""Offset assignment heuristics: each places buffers one by one in some order.

`greedy_by_size` is TFLM's GreedyMemoryPlanner (largest first, lowest offset that fits);
the others vary the order and the choice of gap. All sizes are rounded up to the
alignment, so every offset they return is aligned.
"""
from __future__ import annotations

from tinyc.planner.lifetimes import Buffer, align_up


def place(buffers: list[Buffer], order: list[int], alignment: int, best_fit: bool) -> list[int]:
    offsets = [0] * len(buffers)
    placed: list[int] = []
    for i in order:
        b = buffers[i]
        size = align_up(b.size, alignment)
        busy = sorted((offsets[j], offsets[j] + align_up(buffers[j].size, alignment))
                      for j in placed if buffers[j].overlaps_in_time(b))
        cand, best, best_gap = 0, None, None
        for lo, hi in busy:
            gap = lo - cand
            if gap >= size:
                if not best_fit:
                    best = cand
                    break
                if best_gap is None or gap < best_gap:
                    best, best_gap = cand, gap
            cand = max(cand, hi)
        offsets[i] = cand if best is None else best
        placed.append(i)
    return offsets


def arena_of(buffers: list[Buffer], offsets: list[int], alignment: int) -> int:
    return max((o + align_up(b.size, alignment) for b, o in zip(buffers, offsets)), default=0)


def _by_breadth(buffers: list[Buffer], steps: int, alignment: int) -> list[int]:
    """Buffers of the busiest steps first (TFLite GPU's greedy-by-breadth)."""
    load = [0] * max(steps, 1)
    for b in buffers:
        for s in range(b.start, b.end + 1):
            load[s] += align_up(b.size, alignment)
    order, seen = [], set()
    for s in sorted(range(len(load)), key=lambda s: (-load[s], s)):
        live = [i for i, b in enumerate(buffers) if b.start <= s <= b.end and i not in seen]
        live.sort(key=lambda i: (-buffers[i].size, i))
        order += live
        seen.update(live)
    return order


def orders(buffers: list[Buffer], steps: int, alignment: int) -> dict[str, list[int]]:
    idx = range(len(buffers))
    length = [b.end - b.start + 1 for b in buffers]
    return {
        "size": sorted(idx, key=lambda i: -buffers[i].size),   # stable, like TFLM
        "breadth": _by_breadth(buffers, steps, alignment),
        "lifetime": sorted(idx, key=lambda i: (-length[i], -buffers[i].size, i)),
        "area": sorted(idx, key=lambda i: (-length[i] * buffers[i].size, i)),
        "start": sorted(idx, key=lambda i: (buffers[i].start, -buffers[i].size, i)),
    }


def greedy_by_size(buffers: list[Buffer], steps: int, alignment: int) -> list[int]:
    return place(buffers, orders(buffers, steps, alignment)["size"], alignment, best_fit=False)


def best_heuristic(buffers: list[Buffer], steps: int, alignment: int) -> tuple[str, list[int]]:
    """Every order with first fit and best fit; the smallest arena wins (first on ties)."""
    best = None
    for name, order in orders(buffers, steps, alignment).items():
        for fit in ("first-fit", "best-fit"):
            offs = place(buffers, order, alignment, best_fit=fit == "best-fit")
            arena = arena_of(buffers, offs, alignment)
            if best is None or arena < best[0]:
                best = (arena, f"greedy-by-{name}/{fit}", offs)
    return best[1], best[2]
