"""Tensor lifetimes over a schedule, folded into buffers: one per block of arena bytes.

Time is the position in the schedule (a "step"). A buffer is live over [start, end], both
inclusive, so an op's inputs and outputs are live together at its step and never share
bytes unless declared aliases. The rules for the edges of the graph:

- graph inputs are written by the host before invoke: live from step 0 to their last use,
  after which their bytes may be reused (also by an in-place op);
- graph outputs are read by the host after invoke: live from their producer to the end;
- variable tensors keep state between invocations: live over the whole schedule.

Aliases share one buffer: the output of a view op (RESHAPE, ...) always, and the output of
an op the rules allow in place when its input 0 dies at that op.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tinyc.ir import Graph
from tinyc.ops import VIEW_OPS


@dataclass
class Buffer:
    size: int
    start: int
    end: int
    members: list[int] = field(default_factory=list)   # tensor ids sharing these bytes
    scratch_op: int | None = None                        # op index, for a scratch buffer

    def overlaps_in_time(self, other: "Buffer") -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Overlap:
    """At `step`, buffer `output` (the op's output, or its scratch) may share bytes with buffer
    `input` (which dies there) when
    offset(output) <= offset(input) + shift, or offset(output) >= offset(input) + above.
    shift = -(output size) and above = input size are plain "no overlap"."""
    input: int     # index in buffers
    output: int
    shift: int     # bytes, the kernel's access-order contract (forward order)
    above: int     # bytes, the backward twin's contract
    step: int
    op: int

    def shift_aligned(self, alignment: int) -> int:
        return self.shift // alignment * alignment     # floor: offsets are aligned

    def above_aligned(self, alignment: int) -> int:
        return -(-self.above // alignment) * alignment

    def footprint(self, in_size: int, out_size: int, alignment: int) -> int:
        """The fewest bytes the two (aligned) buffers can cover together at `step`."""
        both = max(in_size, out_size)
        below = max(both, in_size - self.shift_aligned(alignment))
        over = max(both, self.above_aligned(alignment) + out_size)
        return min(in_size + out_size, below, over)


@dataclass
class Lifetimes:
    schedule: list[int]
    tensor_span: dict[int, tuple[int, int]]   # tensor id -> (first step, last step)
    alias_of: dict[int, int]                  # tensor id -> tensor whose bytes it shares
    buffers: list[Buffer]
    tensor_buffer: dict[int, int]             # tensor id -> index in buffers
    overlaps: list[Overlap] = field(default_factory=list)
    fused: dict[int, int] = field(default_factory=dict)    # producer op -> consumer op


def tensor_spans(graph: Graph, schedule: list[int]) -> dict[int, tuple[int, int]]:
    last_step = max(len(schedule) - 1, 0)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for t in graph.activations():
        if t.id in graph.inputs or t.is_variable:
            first[t.id] = 0
    for step, k in enumerate(schedule):
        op = graph.ops[k]
        for i in op.inputs:
            if i >= 0 and not graph.tensors[i].is_const:
                first.setdefault(i, step)   # read but never written: treat as held from here
                last[i] = step
        for o in op.outputs:
            first.setdefault(o, step)
            last[o] = max(last.get(o, step), step)
    for t in graph.activations():
        first.setdefault(t.id, 0)
        if t.id in graph.outputs or t.is_variable:
            last[t.id] = last_step
        last.setdefault(t.id, first[t.id])
    return {i: (first[i], last[i]) for i in first}


def fuse(graph: Graph, schedule: list[int], spans: dict, fused: dict[int, int]) -> set[int]:
    """Drop the tensors that fused op pairs never store, and keep the producer's input live
    until the consumer runs (the fused kernel reads it there). Returns the ops involved."""
    step = {k: s for s, k in enumerate(schedule)}
    for j, k in fused.items():
        t, x = graph.ops[j].outputs[0], graph.ops[j].inputs[0]
        spans.pop(t, None)
        if x in spans:
            spans[x] = (spans[x][0], max(spans[x][1], step[k]))
    return set(fused) | set(fused.values())


def build_lifetimes(graph: Graph, schedule: list[int], rules) -> Lifetimes:
    spans = tensor_spans(graph, schedule)
    fused = dict(rules.fusions(graph)) if hasattr(rules, "fusions") else {}
    in_pairs = fuse(graph, schedule, spans, fused)
    # ops run inside a later one (a patched stage): stored like the producers of fused pairs
    in_pairs |= fuse(graph, schedule, spans, rules.absorbed(graph)
                     if hasattr(rules, "absorbed") else {})
    parent = {i: i for i in spans}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    alias_of: dict[int, int] = {}
    pinned = set(graph.outputs) | {t.id for t in graph.activations() if t.is_variable}

    def group_end(root):
        return max(spans[i][1] for i in spans if find(i) == root)

    def group_pinned(root):
        return any(find(i) == root for i in pinned)

    for step, k in enumerate(schedule):
        op = graph.ops[k]
        if not op.inputs or len(op.outputs) != 1 or op.inputs[0] < 0 or k in in_pairs:
            continue
        x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
        if x.is_const or x.nbytes != y.nbytes or y.id in graph.inputs or find(x.id) == find(y.id):
            continue
        if op.opcode in VIEW_OPS:
            alias_of[y.id] = x.id
            parent[find(y.id)] = find(x.id)
            continue
        rx = find(x.id)
        others = [i for i in op.inputs[1:] if i >= 0 and i in spans and find(i) == rx]
        if (not others and not group_pinned(rx) and group_end(rx) == step
                and rules.inplace(graph, op)):
            alias_of[y.id] = x.id
            parent[find(y.id)] = rx

    groups: dict[int, list[int]] = {}
    for i in sorted(spans):
        groups.setdefault(find(i), []).append(i)
    buffers, tensor_buffer = [], {}
    for members in groups.values():
        for i in members:
            tensor_buffer[i] = len(buffers)
        buffers.append(Buffer(size=max(graph.tensors[i].nbytes for i in members),
                              start=min(spans[i][0] for i in members),
                              end=max(spans[i][1] for i in members), members=members))
    for step, k in enumerate(schedule):
        n = int(rules.scratch_bytes(graph, graph.ops[k]) or 0)
        if n > 0:
            buffers.append(Buffer(size=n, start=step, end=step, scratch_op=k))
    overlaps = find_overlaps(graph, schedule, rules, buffers, tensor_buffer, pinned)
    return Lifetimes(schedule, spans, alias_of, buffers, tensor_buffer, overlaps, fused)


def find_overlaps(graph: Graph, schedule: list[int], rules, buffers: list[Buffer],
                  tensor_buffer: dict[int, int], pinned: set[int]) -> list[Overlap]:
    """The ops whose kernel states an access order (rules.overlap, rules.overlap_above for the
    output, rules.scratch_overlap for the scratch) and whose input 0 dies there: its buffer may
    then be partly overwritten by the output's or the scratch's."""
    ask = getattr(rules, "overlap", None)
    ask_above = getattr(rules, "overlap_above", None)
    ask_scratch = getattr(rules, "scratch_overlap", None)
    if ask is None and ask_above is None and ask_scratch is None:
        return []
    scratch_of = {b.scratch_op: i for i, b in enumerate(buffers) if b.scratch_op is not None}
    found = []
    for step, k in enumerate(schedule):
        op = graph.ops[k]
        if not op.inputs or len(op.outputs) != 1 or op.inputs[0] < 0:
            continue
        x, y = op.inputs[0], op.outputs[0]
        if hasattr(rules, "overlap_input"):
            x = rules.overlap_input(graph, op)
        if x not in tensor_buffer:
            continue
        bx = tensor_buffer[x]
        if buffers[bx].end != step or any(m in pinned for m in buffers[bx].members):
            continue
        if any(i >= 0 and tensor_buffer.get(i) == bx for i in op.inputs[1:]):
            continue
        by = tensor_buffer.get(y)
        if by is not None and by != bx and buffers[by].start == step:
            shift = ask(graph, op) if ask else None
            above = ask_above(graph, op) if ask_above else None
            if shift is not None or above is not None:
                found.append(_overlap(buffers, bx, by, shift, above, step, k))
        shift = ask_scratch(graph, op) if ask_scratch and k in scratch_of else None
        if shift is not None:
            found.append(_overlap(buffers, bx, scratch_of[k], shift, None, step, k))
    return found


def _overlap(buffers, bx: int, by: int, shift, above, step: int, k: int) -> Overlap:
    """The contract clipped to the buffers: None on a side is plain "no overlap" there."""
    sx, sy = buffers[bx].size, buffers[by].size
    shift = -sy if shift is None else max(int(shift), -sy)
    above = sx if above is None else min(int(above), sx)
    return Overlap(bx, by, shift, above, step, k)


def align_up(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def live_bytes(buffers: list[Buffer], steps: int, alignment: int,
               overlaps: list[Overlap] = ()) -> list[int]:
    """Bytes live at each step, every buffer rounded up to the alignment; an overlapping
    input/output pair counts the fewest bytes the two can cover together. An input overlapped
    by both its output and its op's scratch (which never share a byte with each other) saves
    at most its own size."""
    load = [0] * max(steps, 1)
    for b in buffers:
        for s in range(b.start, b.end + 1):
            load[s] += align_up(b.size, alignment)
    saved: dict[tuple[int, int], int] = {}
    for ov in overlaps:
        sx = align_up(buffers[ov.input].size, alignment)
        sy = align_up(buffers[ov.output].size, alignment)
        key = (ov.step, ov.input)
        saved[key] = min(sx, saved.get(key, 0) + sx + sy - ov.footprint(sx, sy, alignment))
    for (step, _), n in saved.items():
        load[step] -= n
    return load
