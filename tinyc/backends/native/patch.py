"""Patch-based execution (MCUNetV2) of a CNN's memory-heavy first stage: the geometry.

A stage is a chain of single-input, single-output spatial ops (CONV_2D, DEPTHWISE_CONV_2D,
unpadded pooling, unary elementwise ops) whose intermediate tensors feed only the next op. Its
output is split into N x N patches (uneven when N does not divide the size). Each patch walks
back through the stage to the input region it needs (stride, dilation, the halo of every
window) and runs the stage's layers on that region alone, with VALID padding; where a region
reaches past the image, the pixels there are the tensor's zero point, which is what TFLM's
SAME padding contributes, so the result is bit-exact. Only the stage input, the stage output
and two patch buffers (ping-pong) are stored: the planner never sees the stage's full
intermediate tensors (NativeRules.absorbed, the scratch of the stage's last op).

The halo is computed again by each neighbouring patch: `extra_macs` counts that cost.
"""
from __future__ import annotations

from dataclasses import dataclass

from tinyc.ir import Graph, Op
from tinyc.ops import macs

WINDOW_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D")
POOL_OPS = ("AVERAGE_POOL_2D", "MAX_POOL_2D")
# per-pixel ops: a patch of the input gives the same patch of the output
UNARY_OPS = ("RELU", "RELU6", "RELU_N1_TO_1", "LEAKY_RELU", "LOGISTIC", "TANH", "HARD_SWISH",
             "QUANTIZE")
MAX_N = 8


@dataclass(frozen=True)
class PatchSpec:
    """The stage (op indices, in order) and the split: n x n patches of its output."""
    ops: tuple[int, ...]
    n: int


@dataclass(frozen=True)
class Window:
    """One layer's spatial map: output pixel y reads input rows y*stride - pad + i*dilation."""
    kh: int
    kw: int
    sh: int
    sw: int
    dh: int
    dw: int
    pad_h: int
    pad_w: int


@dataclass(frozen=True)
class Region:
    """Rows [y0, y1) and columns [x0, x1) of a tensor (may reach outside it)."""
    y0: int
    y1: int
    x0: int
    x1: int

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    def clip(self, h: int, w: int) -> "Region":
        return Region(max(self.y0, 0), min(self.y1, h), max(self.x0, 0), min(self.x1, w))


def _shape4(graph: Graph, tid: int):
    t = graph.tensors[tid]
    return t.shape if len(t.shape) == 4 and t.shape[0] == 1 else None


def window(graph: Graph, op: Op) -> Window | None:
    """The op's window when it can run on a patch, else None."""
    from tinyc.backends.native.ops.geometry import pad_before
    o = op.options
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    if op.opcode in UNARY_OPS:
        return Window(1, 1, 1, 1, 1, 1, 0, 0) if x.shape == y.shape else None
    if op.opcode in WINDOW_OPS:
        kh, kw = graph.tensors[op.inputs[1]].shape[1:3]
        dh, dw = int(o.get("dilation_h_factor", 1)), int(o.get("dilation_w_factor", 1))
    elif op.opcode in POOL_OPS:
        kh, kw, dh, dw = int(o.get("filter_height", 1)), int(o.get("filter_width", 1)), 1, 1
    else:
        return None
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    pad = o.get("padding", "VALID")
    ph = pad_before(pad, x.shape[1], kh, sh, dh)
    pw = pad_before(pad, x.shape[2], kw, sw, dw)
    if op.opcode in POOL_OPS and _pads(x.shape, y.shape, kh, kw, sh, sw):
        return None   # TFLM's pools skip padding (no zero point to fill it with)
    return Window(kh, kw, sh, sw, dh, dw, ph, pw)


def _pads(xs, ys, kh, kw, sh, sw) -> bool:
    return (ys[1] - 1) * sh + kh > xs[1] or (ys[2] - 1) * sw + kw > xs[2]


def _patchable(graph: Graph, op: Op) -> bool:
    if not op.inputs or len(op.outputs) != 1 or op.inputs[0] < 0:
        return False
    acts = [i for i in op.inputs if i >= 0 and not graph.tensors[i].is_const]
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    return (acts == [op.inputs[0]] and x.dtype == y.dtype == "int8"
            and _shape4(graph, x.id) is not None and _shape4(graph, y.id) is not None
            and window(graph, op) is not None)


def first_chain(graph: Graph) -> list[int]:
    """The longest chain of patchable ops from a graph input (the first one that has one):
    every tensor inside it is read by the next op alone and is no graph output."""
    users: dict[int, list[int]] = {}
    for op in graph.ops:
        for i in set(op.inputs):
            users.setdefault(i, []).append(op.index)
    for x in graph.inputs:
        chain: list[int] = []
        t = x
        while len(users.get(t, [])) == 1 and (not chain or t not in graph.outputs):
            op = graph.ops[users[t][0]]
            if not _patchable(graph, op) or op.inputs[0] != t:
                break
            chain.append(op.index)
            t = op.outputs[0]
        if len(chain) >= 2:
            return chain
    return []


def stages(graph: Graph) -> list[tuple[int, ...]]:
    """The stages patch execution may take: the first chain's first k ops, k >= 2."""
    chain = first_chain(graph)
    return [tuple(chain[:k]) for k in range(2, len(chain) + 1)]


def splits(size: int, n: int) -> list[tuple[int, int]]:
    """[lo, hi) of n parts of `size`, as even as integers allow."""
    b = [size * i // n for i in range(n + 1)]
    return list(zip(b[:-1], b[1:]))


def input_region(win: Window, out: Region) -> Region:
    """The input pixels an output region reads (may reach into the padding)."""
    return Region(out.y0 * win.sh - win.pad_h, (out.y1 - 1) * win.sh - win.pad_h
                  + (win.kh - 1) * win.dh + 1,
                  out.x0 * win.sw - win.pad_w, (out.x1 - 1) * win.sw - win.pad_w
                  + (win.kw - 1) * win.dw + 1)


@dataclass(frozen=True)
class LayerPatch:
    """One layer of one patch: it reads `reads` of its input tensor (padding included) and
    writes `writes` of its output tensor (inside it)."""
    op: int
    reads: Region
    writes: Region


def patch_layers(graph: Graph, spec: PatchSpec, out: Region) -> list[LayerPatch]:
    """The layers of the patch whose stage output is `out`, first layer first."""
    layers = []
    for k in reversed(spec.ops):
        op = graph.ops[k]
        reads = input_region(window(graph, op), out)
        layers.append(LayerPatch(k, reads, out))
        _, h, w, _ = graph.tensors[op.inputs[0]].shape
        out = reads.clip(h, w)
    return layers[::-1]


def patches(graph: Graph, spec: PatchSpec) -> list[list[LayerPatch]]:
    """Every patch, in raster order."""
    _, h, w, _ = graph.tensors[stage_output(graph, spec)].shape
    return [patch_layers(graph, spec, Region(y0, y1, x0, x1))
            for y0, y1 in splits(h, spec.n) for x0, x1 in splits(w, spec.n)]


def stage_input(graph: Graph, spec: PatchSpec) -> int:
    return graph.ops[spec.ops[0]].inputs[0]


def stage_output(graph: Graph, spec: PatchSpec) -> int:
    return graph.ops[spec.ops[-1]].outputs[0]


def valid_split(graph: Graph, spec: PatchSpec) -> bool:
    _, h, w, _ = graph.tensors[stage_output(graph, spec)].shape
    return 1 <= spec.n <= min(h, w)


def needs_padding(graph: Graph, lp: LayerPatch) -> bool:
    """The layer reads pixels outside its input: they are filled in a copy first."""
    _, h, w, _ = graph.tensors[graph.ops[lp.op].inputs[0]].shape
    return lp.reads.clip(h, w) != lp.reads


def patch_macs_per_op(graph: Graph, spec: PatchSpec) -> dict[int, int]:
    """{op: its MACs run patch by patch} (each layer's count scaled to its patch's pixels)."""
    total = dict.fromkeys(spec.ops, 0)
    for layers in patches(graph, spec):
        for lp in layers:
            op = graph.ops[lp.op]
            _, h, w, _ = graph.tensors[op.outputs[0]].shape
            total[lp.op] += macs(graph, op) * lp.writes.h * lp.writes.w // (h * w)
    return total


def patch_macs(graph: Graph, spec: PatchSpec) -> int:
    """MACs of the stage run patch by patch."""
    return sum(patch_macs_per_op(graph, spec).values())


def buffer_bytes(graph: Graph, spec: PatchSpec) -> tuple[int, int]:
    """Sizes of the two ping-pong buffers (see `steps`)."""
    size = [0, 0]
    for layers in patches(graph, spec):
        for step in steps(graph, layers):
            if step.dst_buffer is not None:
                size[step.dst_buffer] = max(size[step.dst_buffer], step.dst_bytes)
    return size[0], size[1]


@dataclass(frozen=True)
class Step:
    """One call of a patch: a copy (op None) or a layer. Buffers are 0/1 (the ping-pong
    pair), None for the stage's input (src) or output (dst) tensor."""
    op: int | None
    src_buffer: int | None
    dst_buffer: int | None
    src: Region            # the source pixels, in the source tensor's coordinates
    dst_bytes: int         # bytes written to the destination buffer
    layer: LayerPatch | None = None


def steps(graph: Graph, layers: list[LayerPatch]) -> list[Step]:
    """The calls of one patch: gather the first layer's input region into buffer 0, then each
    layer from one buffer into the other (a padding copy first where the layer reads past the
    image), and scatter the last result into the stage output."""
    def nbytes(r: Region, tid: int) -> int:
        return r.h * r.w * graph.tensors[tid].shape[3]

    first = graph.ops[layers[0].op]
    out = [Step(None, None, 0, layers[0].reads, nbytes(layers[0].reads, first.inputs[0]))]
    cur = 0
    for i, lp in enumerate(layers):
        op = graph.ops[lp.op]
        if i > 0 and needs_padding(graph, lp):
            out.append(Step(None, cur, 1 - cur, lp.reads, nbytes(lp.reads, op.inputs[0])))
            cur = 1 - cur
        out.append(Step(lp.op, cur, 1 - cur, lp.reads, nbytes(lp.writes, op.outputs[0]), lp))
        cur = 1 - cur
    out.append(Step(None, cur, None, layers[-1].writes, 0, layers[-1]))
    return out


def report(graph: Graph, spec: PatchSpec) -> dict:
    """`--json`'s `patch` object."""
    stage = sum(macs(graph, graph.ops[k]) for k in spec.ops)
    extra = patch_macs(graph, spec) - stage
    total = sum(macs(graph, op) for op in graph.ops)
    a, b = buffer_bytes(graph, spec)
    return {"per_side": spec.n, "patches": spec.n * spec.n, "stage_ops": list(spec.ops),
            "stage_input_id": stage_input(graph, spec),
            "stage_output_id": stage_output(graph, spec),
            "buffer_bytes": [a, b], "stage_macs": stage, "extra_macs": extra,
            "extra_macs_pct": round(100.0 * extra / total, 2) if total else 0.0}


def _bytes(graph: Graph, tid: int, r: Region) -> tuple[int, int]:
    """First and last byte of region r (clipped to the tensor) in the NHWC tensor tid."""
    _, h, w, c = graph.tensors[tid].shape
    r = r.clip(h, w)
    return (r.y0 * w + r.x0) * c, ((r.y1 - 1) * w + r.x1) * c - 1


def stage_overlap(graph: Graph, spec: PatchSpec) -> int:
    """The stage's access-order contract: its output may start up to this many bytes above its
    input's start (negative: below it). Patches run in raster order, each one reads its input
    region before it writes its output patch, so a write is safe when it lands below every
    input byte a later patch still reads."""
    x, y = stage_input(graph, spec), stage_output(graph, spec)
    todo = patches(graph, spec)
    future_min = graph.tensors[x].nbytes
    shift = None
    for layers in reversed(todo):
        last_write = _bytes(graph, y, layers[-1].writes)[1]
        s = future_min - last_write - 1
        shift = s if shift is None else min(shift, s)
        future_min = min(future_min, _bytes(graph, x, layers[0].reads)[0])
    return shift
