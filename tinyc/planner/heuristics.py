"""Offset assignment heuristics: each places buffers one by one in some order.

`greedy_by_size` is TFLM's GreedyMemoryPlanner (largest first, lowest offset that fits);
the others vary the order and the choice of gap. All sizes are rounded up to the
alignment, so every offset they return is aligned.
"""
from __future__ import annotations

from tinyc.planner.lifetimes import Buffer, Overlap, align_up


def _contracts(overlaps: list[Overlap], alignment: int) -> dict[tuple[int, int], tuple]:
    """(buffer being placed, placed partner) -> (role of the first, aligned shift, above)."""
    pairs = {}
    for ov in overlaps:
        d, u = ov.shift_aligned(alignment), ov.above_aligned(alignment)
        pairs[(ov.output, ov.input)] = ("output", d, u)
        pairs[(ov.input, ov.output)] = ("input", d, u)
    return pairs


def _blocked(i: int, j: int, off_j: int, sizes: list[int], pairs: dict) -> tuple[int, int]:
    """The block [lo, hi) that buffer j at off_j puts in buffer i's way: i may start at s
    only when s + size_i <= lo or s >= hi. For an overlap pair it is the contract's: the
    output may not start in (input + shift, input + above)."""
    role, d, u = pairs.get((i, j), (None, 0, 0))
    if role == "output":
        return off_j + d + sizes[i], off_j + u
    if role == "input":
        return off_j - u + sizes[i], off_j - d
    return off_j, off_j + sizes[j]


def place(buffers: list[Buffer], order: list[int], alignment: int, best_fit: bool,
          overlaps: list[Overlap] = ()) -> list[int]:
    offsets = [0] * len(buffers)
    placed: list[int] = []
    sizes = [align_up(b.size, alignment) for b in buffers]
    pairs = _contracts(overlaps, alignment)
    for i in order:
        b = buffers[i]
        size = sizes[i]
        busy = sorted(_blocked(i, j, offsets[j], sizes, pairs)
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


def greedy_by_size(buffers: list[Buffer], steps: int, alignment: int,
                   overlaps: list[Overlap] = ()) -> list[int]:
    return place(buffers, orders(buffers, steps, alignment)["size"], alignment, best_fit=False,
                 overlaps=overlaps)


def best_heuristic(buffers: list[Buffer], steps: int, alignment: int,
                   overlaps: list[Overlap] = ()) -> tuple[str, list[int]]:
    """Every order with first fit and best fit; the smallest arena wins (first on ties)."""
    best = None
    for name, order in orders(buffers, steps, alignment).items():
        for fit in ("first-fit", "best-fit"):
            offs = place(buffers, order, alignment, best_fit=fit == "best-fit",
                         overlaps=overlaps)
            arena = arena_of(buffers, offs, alignment)
            if best is None or arena < best[0]:
                best = (arena, f"greedy-by-{name}/{fit}", offs)
    return best[1], best[2]
