"""The exact TFLM arena: replay TFLM's allocations for a graph, byte for byte.

TFLM splits one arena into a head (activations, planned), a temporary section above it and a
tail (persistent: allocator objects, TfLiteEvalTensors, nodes, builtin params, kernel OpData,
per-channel buffers, scratch handles, input/output TfLiteTensors). `AllocateTensors` fails as
soon as one step does not fit, so the smallest arena is found by replaying the steps of
MicroInterpreter::AllocateTensors for a candidate size and searching for the least size that
gets through. The replay follows TFLM's allocator (micro_allocator.cc,
single_arena_buffer_allocator.cc, greedy_memory_planner.cc) and the kernels' Init/Prepare
(`kernels.py`), with struct sizes per pointer width (`abi.py`).
"""
from __future__ import annotations

from dataclasses import dataclass

from tinyc.backends.tflm.abi import abi_for
from tinyc.backends.tflm.kernels import kernel_needs
from tinyc.errors import TinycError
from tinyc.ir import DTYPE_SIZES, Graph

ALIGN = 16                  # MicroArenaBufferAlignment()
MAX_SCRATCH_PER_OP = 12     # kMaxScratchBuffersPerOp
PLANNER_BYTES_PER_BUFFER = 40   # GreedyMemoryPlanner::per_buffer_size(): all ints


class _NoFit(Exception):
    pass


def _up(x: int, a: int) -> int:
    return (x + a - 1) // a * a


def _down(x: int, a: int) -> int:
    return x // a * a


class _Arena:
    """SingleArenaBufferAllocator over [0, size): head/temp grow up, tail grows down."""

    def __init__(self, size: int):
        self.end = size
        self.head = self.temp = 0
        self.tail = size

    def persistent(self, size: int, align: int) -> None:
        r = _down(self.tail - size, align)
        if r < self.head:
            raise _NoFit
        self.tail = r

    def temp_alloc(self, size: int, align: int) -> None:
        r = _up(self.temp, align)
        if self.tail - r < size:
            raise _NoFit
        self.temp = r + size

    def resize_head(self, size: int, align: int) -> None:
        if self.tail - _up(0, align) < size:
            raise _NoFit
        self.head = self.temp = size

    def reset_temp(self) -> None:
        self.temp = self.head

    def available(self) -> int:
        return _down(self.tail, ALIGN) - _up(self.temp, ALIGN)


@dataclass
class ArenaReport:
    arena_bytes: int        # the least arena AllocateTensors accepts
    head_bytes: int         # planned activations + scratch (TFLM's "head")
    tail_bytes: int         # persistent allocations (TFLM's "tail")
    planner_bytes: int      # the head as TFLM's own planner fills it around the offline plan
    pointer_bytes: int
    recording: bool

    def to_json(self) -> dict:
        return dict(vars(self))


def _tensor_bytes(t) -> int:
    return t.elements * DTYPE_SIZES[t.dtype]


class _Model:
    """Everything the replay needs from the graph, computed once."""

    def __init__(self, graph: Graph, offsets: list[int] | None, pointer_bytes: int):
        self.g = graph
        self.abi = abi_for(pointer_bytes)
        self.offsets = offsets
        self.needs = [kernel_needs(graph, op, self.abi) for op in graph.ops]
        self.buffers = self._planner_buffers()

    def _planner_buffers(self) -> list[tuple[int, int, int, int]]:
        """(aligned size, first, last, offline offset or -1) in TFLM's AllocationInfo order."""
        g = self.g
        first = [-1] * len(g.tensors)
        last = [-1] * len(g.tensors)
        for t in g.inputs:
            first[t] = last[t] = 0
        for i, op in enumerate(g.ops):
            scope = i + 1
            for t in op.outputs:
                if first[t] == -1:
                    first[t] = scope
            for t in op.inputs:
                if t >= 0:
                    last[t] = scope
            for t in op.outputs:
                last[t] = scope
        end = len(g.ops)
        for t in g.outputs:
            if first[t] == -1:
                first[t] = end
            last[t] = end
        out = []
        for t in g.tensors:
            off = self.offsets[t.id] if self.offsets else -1
            nbytes = _tensor_bytes(t)
            needs = not t.is_const and nbytes != 0 and (not t.is_variable or off != -1)
            if needs:
                out.append((_up(nbytes, ALIGN), first[t.id], last[t.id], off))
        for i, n in enumerate(self.needs):
            for s in n.scratch:
                out.append((_up(s, ALIGN), i + 1, i + 1, -1))
        return out

    def temp_tensor(self, ar: _Arena, tid: int) -> None:
        if tid < 0:
            return
        a = self.abi
        ar.temp_alloc(*a["Tensor"])
        q = self.g.tensors[tid].quant
        if q is not None:
            ar.temp_alloc(*a["AffineQuant"])
            ar.temp_alloc(a["IntArray"][0] + 4 * len(q.scale), a["IntArray"][1])

    def persistent_tensor(self, ar: _Arena, tid: int) -> None:
        a = self.abi
        ar.persistent(*a["Tensor"])
        q = self.g.tensors[tid].quant
        if q is not None:
            ar.persistent(*a["AffineQuant"])
            ar.persistent(a["IntArray"][0] + 4 * len(q.scale), a["IntArray"][1])


def greedy_head(buffers: list[tuple[int, int, int, int]]) -> int:
    """GreedyMemoryPlanner::GetMaximumMemorySize(): offline buffers fixed, the rest placed
    largest first (stable) in the first gap among buffers alive at the same time."""
    if not buffers:
        return 0
    fixed = [i for i, b in enumerate(buffers) if b[3] != -1]
    online = [i for i, b in enumerate(buffers) if b[3] == -1]
    online = sorted(reversed(online), key=lambda i: -buffers[i][0])  # TFLM's bubble sort
    placed: list[tuple[int, int]] = []   # (offset, buffer index), kept sorted by offset
    for i in fixed + online:
        size, first, last, off = buffers[i]
        if off == -1:
            off = 0
            for o, j in placed:
                _, f2, l2, _ = buffers[j]
                if f2 > last or first > l2:
                    continue
                if o - off >= size:
                    break
                off = max(off, o + buffers[j][0])
        k = 0
        while k < len(placed) and placed[k][0] <= off:
            k += 1
        placed.insert(k, (off, i))
    return max(o + buffers[j][0] for o, j in placed)


def _replay(m: _Model, size: int, recording: bool) -> tuple[int, int, int]:
    """MicroInterpreter::AllocateTensors in an arena of `size` bytes; raises _NoFit."""
    a, g = m.abi, m.g
    ar = _Arena(size)
    # MicroAllocator::Create (or RecordingMicroAllocator::Create, as the Python wheel does)
    ar.persistent(*a["RecordingSingleArena" if recording else "SingleArena"])
    ar.persistent(*a["GreedyPlanner"])
    ar.persistent(*a["RecordingMicroAllocator" if recording else "MicroAllocator"])
    # StartModelAllocation
    ar.persistent(*a["BuiltinDataAllocator"])
    sbr_size, sbr_align = a["ScratchBufferRequest"]
    ar.resize_head(sbr_size * MAX_SCRATCH_PER_OP, sbr_align)
    ar.persistent(a["SubgraphAllocations"][0], a["SubgraphAllocations"][1])
    ar.persistent(a["EvalTensor"][0] * len(g.tensors), a["EvalTensor"][1])
    ar.persistent(a["NodeAndRegistration"][0] * len(g.ops), a["NodeAndRegistration"][1])
    # builtin parameters parsed from the flatbuffer
    for n in m.needs:
        if n.builtin:
            ar.persistent(*a[n.builtin])
    # Init: every kernel's first persistent buffer is its OpData; Prepare allocates the rest
    for n in m.needs:
        if n.init:
            ar.persistent(n.init, ALIGN)
    n_scratch = 0
    for n in m.needs:
        for t in n.temp_tensors:
            m.temp_tensor(ar, t)
        for b in n.persistent:
            ar.persistent(b, ALIGN)
        n_scratch += len(n.scratch)
        ar.reset_temp()   # FinishPrepareNodeAllocations
        ar.resize_head(sbr_size * (n_scratch + MAX_SCRATCH_PER_OP), sbr_align)
    # FinishModelAllocation
    if n_scratch:
        ar.persistent(a["ScratchBufferHandle"][0] * n_scratch, a["ScratchBufferHandle"][1])
    ar.temp_alloc(*a["SizeT"])                                   # subgraph offsets
    ar.temp_alloc(a["AllocationInfo"][0] * (len(g.tensors) + n_scratch), a["AllocationInfo"][1])
    for t in g.tensors:                                          # AllocateVariables
        if t.is_variable and (not m.offsets or m.offsets[t.id] == -1):
            ar.persistent(_tensor_bytes(t), ALIGN)
    if ar.available() < PLANNER_BYTES_PER_BUFFER * len(m.buffers):
        raise _NoFit
    head = greedy_head(m.buffers)
    ar.reset_temp()
    ar.resize_head(head, ALIGN)          # ReserveNonPersistentOverlayMemory
    # input/output TfLiteTensors
    for ids in (g.inputs, g.outputs):
        ar.persistent(a["Pointer"][0] * len(ids), ALIGN)
        for t in ids:
            m.persistent_tensor(ar, t)
    return ar.head, ar.end - ar.tail, head



def tflm_arena(graph: Graph, offsets: list[int] | None, pointer_bytes: int,
               recording: bool = False) -> ArenaReport:
    """The least arena TFLM's AllocateTensors accepts for `graph` with the offline plan
    `offsets` (one per tensor, -1 = TFLM plans it; None = no plan) on a target with
    `pointer_bytes`-byte pointers. `recording`: the Python wheel's RecordingMicroAllocator."""
    m = _Model(graph, offsets, pointer_bytes)

    def fits(n):
        try:
            return _replay(m, n, recording)
        except _NoFit:
            return None

    hi = 1024
    while fits(hi) is None:
        hi *= 2
    lo = hi // 2 if hi > 1024 else 0      # fits(lo) is None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid) is None:
            lo = mid
        else:
            hi = mid
    head, tail, planned = fits(hi)
    return ArenaReport(arena_bytes=hi, head_bytes=head, tail_bytes=tail, planner_bytes=planned,
                       pointer_bytes=pointer_bytes, recording=recording)


def tflm_own_arena_bytes(graph: Graph, pointer_bytes: int) -> int | None:
    """The arena TFLM needs for `graph` with its own planner (no offline plan) on a target with
    `pointer_bytes`-byte pointers: the figure tinyc's RAM is compared with. None when the
    graph has a kernel whose TFLM arena needs tinyc does not know."""
    try:
        return tflm_arena(graph, None, pointer_bytes).arena_bytes
    except TinycError:
        return None
