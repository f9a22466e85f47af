"""Op order with the lowest peak of live bytes: independent branches may run in any order.

A search over the sets of ops already run (each closed under predecessors), level by level:
the bytes live before an op runs depend only on that set, so keeping the lowest peak per set
is exact. Wide graphs are cut to a beam of the best states per level, so this stays fast on
any graph, and exact for the chain-with-residuals graphs of TinyML models.
"""
from __future__ import annotations

from tinyc.ir import Graph
from tinyc.ops import VIEW_OPS
from tinyc.planner.lifetimes import Overlap, align_up


def min_peak_schedule(graph: Graph, rules, alignment: int, beam: int = 4000) -> list[int]:
    n = len(graph.ops)
    if n < 3:
        return list(range(n))
    acts = {t.id for t in graph.activations()}
    # Static view groups: a view's output shares its input's bytes in any order.
    group = {i: i for i in acts}
    for op in graph.ops:
        if op.opcode in VIEW_OPS and op.inputs and op.inputs[0] in acts and len(op.outputs) == 1:
            x, y = op.inputs[0], op.outputs[0]
            if graph.tensors[x].nbytes == graph.tensors[y].nbytes:
                group[y] = group[x]

    def root(i):
        while group[i] != i:
            i = group[i]
        return i

    size: dict[int, int] = {}
    for i in acts:
        r = root(i)
        size[r] = max(size.get(r, 0), align_up(graph.tensors[i].nbytes, alignment))
    producer = {o: k for k, op in enumerate(graph.ops) for o in op.outputs}
    preds = [set() for _ in range(n)]
    users: dict[int, set[int]] = {r: set() for r in size}   # group -> ops reading it
    makers: dict[int, set[int]] = {r: set() for r in size}  # group -> ops writing into it
    for k, op in enumerate(graph.ops):
        for i in op.inputs:
            if i in acts:
                users[root(i)].add(k)
                if i in producer and producer[i] != k:
                    preds[k].add(producer[i])
        for o in op.outputs:
            if o in acts:
                makers[root(o)].add(k)
    pinned = {root(i) for i in graph.outputs if i in acts}
    pinned |= {root(t.id) for t in graph.activations() if t.is_variable}
    born = {r for r in size if not makers[r]}   # graph inputs, variables
    scratch = [int(rules.scratch_bytes(graph, op) or 0) for op in graph.ops]
    inplace = [rules.inplace(graph, op) for op in graph.ops]
    ask, ask_above = getattr(rules, "overlap", None), getattr(rules, "overlap_above", None)
    contract = [(ask(graph, op) if ask else None, ask_above(graph, op) if ask_above else None)
                for op in graph.ops]
    ask_scratch = getattr(rules, "scratch_overlap", None)
    scratch_contract = [ask_scratch(graph, op) if ask_scratch and scratch[k] else None
                        for k, op in enumerate(graph.ops)]
    bits = [1 << k for k in range(n)]
    pred_mask = [sum(bits[p] for p in preds[k]) for k in range(n)]
    user_mask = {r: sum(bits[k] for k in users[r]) for r in size}
    maker_mask = {r: sum(bits[k] for k in makers[r]) for r in size}

    def live_at(done: int, k: int) -> int:
        total, after = 0, done | bits[k]
        op = graph.ops[k]
        in0 = root(op.inputs[0]) if op.inputs and op.inputs[0] in acts else None
        for r, s in size.items():
            made = r in born or maker_mask[r] & after
            needed = r in pinned or user_mask[r] & ~done or maker_mask[r] & bits[k]
            if made and needed:
                total += s
        dies = (in0 is not None and in0 not in pinned and not user_mask[in0] & ~after
                and len(op.outputs) == 1 and op.outputs[0] in acts)
        sk = align_up(scratch[k], alignment)
        if dies and inplace[k] and size[root(op.outputs[0])] == size[in0]:
            total -= size[in0]
        elif dies:
            # the output and the scratch may overlap the dying input: count the least they
            # can cover (the two never share a byte, so together they save at most its size)
            sx, saved = size[in0], 0
            if contract[k] != (None, None) and root(op.outputs[0]) != in0:
                saved += _saved(sx, size[root(op.outputs[0])], *contract[k], alignment)
            if scratch_contract[k] is not None:
                saved += _saved(sx, sk, scratch_contract[k], None, alignment)
            total -= min(sx, saved)
        return total + sk

    states = {0: (0, None, None)}   # done mask -> (peak, previous mask, op run last)
    history = []
    for _ in range(n):
        nxt: dict[int, tuple] = {}
        for done in sorted(states, key=lambda d: (states[d][0], d))[:beam]:
            peak = states[done][0]
            for k in range(n):
                if done & bits[k] or pred_mask[k] & ~done:
                    continue
                cand = (max(peak, live_at(done, k)), done, k)
                key = done | bits[k]
                if key not in nxt or cand[0] < nxt[key][0]:
                    nxt[key] = cand
        history.append(states)
        states = nxt
    order, done = [], (1 << n) - 1
    history.append(states)
    for level in range(n, 0, -1):
        _, prev, k = history[level][done]
        order.append(k)
        done = prev
    return order[::-1]


def _saved(sx: int, sy: int, d: int | None, u: int | None, alignment: int) -> int:
    """Bytes an output (or scratch) of sy bytes can share with its dying input of sx bytes
    under the contract (d, u)."""
    d = -sy if d is None else max(d, -sy)
    u = sx if u is None else min(u, sx)
    return sx + sy - Overlap(0, 1, d, u, 0, 0).footprint(sx, sy, alignment)
