"""Row-streamed pairs: a 1x1 CONV_2D whose output only feeds a DEPTHWISE_CONV_2D runs inside
it, so the 1x1 output is never stored whole, only the depthwise filter's rows of it in
scratch. Taken for expanding 1x1 convs (output larger than input: MobileNet's expand layers,
where the activation peak usually is) when both ops chose the portable kernels
(pointwise_depthwise_s8.c, a ring of rows) or both DSP kernels that run row by row
(pointwise_depthwise_s8_dsp.c: the chosen DSP kernels on a sliding window of rows), unless
--optimize speed. A DSP pair costs a little more than its two ops apart (DSP_PAIR_OVERHEAD), so
under --optimize balanced only the pairs in `target.fused_ops` run fused (balance.py spends its
5 % on them with the slower variants); the backend keeps fusion only when the arena comes out
smaller than without it (a fused pair keeps the 1x1 input live longer and gives up the two
ops' overlaps).
"""
from __future__ import annotations

from tinyc.ir import Graph

RING_KERNEL = ("pointwise_depthwise_s8.h", "conv2d_s8.h", "depthwise_conv2d_s8.h")
# The DSP variants that run on any number of rows as given: the 1x1 GEMMs with no scratch
# (ops/conv2d_dsp.py) and the depthwise kernels (ops/depthwise_conv2d_dsp.py).
DSP_POINTWISE = ("dsp-1x1", "dsp-1x1-rqfast", "dsp-1x1-cn", "dsp-1x1-cn-rqfast")
DSP_DEPTHWISE = ("dsp_3x3", "dsp", "dsp_mult")


def fusable_pairs(graph: Graph, target) -> dict[int, int]:
    """{1x1 conv op: the depthwise op it feeds} for the pairs that run as one kernel."""
    return {j: k for j, (k, kind) in candidate_pairs(graph, target).items()
            if target.fused_ops is None or kind == "portable" or j in target.fused_ops}


def pair_kind(graph: Graph, pw_k: int, dw_k: int, target) -> str | None:
    """"portable" or "dsp": the kernels both ops chose, when they can run as one; else None."""
    from tinyc.backends.native.lower import lowering_for
    pw, dw = graph.ops[pw_k], graph.ops[dw_k]
    got = tuple(lowering_for(graph, o).select(graph, o, target) for o in (pw, dw))
    if all(c.variant == "portable" for c in got):
        return "portable"
    if (got[0].variant in DSP_POINTWISE and not got[0].scratch_bytes
            and got[1].variant in DSP_DEPTHWISE):
        return "dsp"
    return None


def candidate_pairs(graph: Graph, target) -> dict[int, tuple[int, str]]:
    """{1x1 conv op: (depthwise op, pair_kind)} for every pair that may run fused on this
    target, whatever `target.fused_ops` says."""
    if target.optimize == "speed" or not target.fuse:
        return {}
    users: dict[int, list[int]] = {}
    for k, op in enumerate(graph.ops):
        for i in op.inputs:
            users.setdefault(i, []).append(k)
    pairs = {}
    for k, dw in enumerate(graph.ops):
        if dw.opcode != "DEPTHWISE_CONV_2D" or not dw.inputs:
            continue
        t = dw.inputs[0]
        pw_k = next((j for j, op in enumerate(graph.ops) if t in op.outputs), None)
        if pw_k is None or users.get(t) != [k] or t in graph.outputs:
            continue
        pw = graph.ops[pw_k]
        if pw.opcode != "CONV_2D" or len(pw.outputs) != 1 or not _pointwise(graph, pw):
            continue
        x = graph.tensors[pw.inputs[0]]
        if graph.tensors[t].nbytes <= x.nbytes or not _plain_depthwise(graph, dw):
            continue
        kind = pair_kind(graph, pw_k, k, target)
        if kind is not None:
            pairs[pw_k] = (k, kind)
    return pairs


# What a DSP pair costs over its two ops apart, as a fraction of their estimated instructions
# (for --optimize balanced). Measured on mps2-an386 (`verify --profile`, QEMU -icount), vww's
# four pairs fused against apart: 2+3 -0.9 %, 4+5 -0.3 %, 8+9 +0.3 %, 12+13 +0.1 % (the
# window's memmove and one call of each kernel per output row); taken as 1 %.
DSP_PAIR_OVERHEAD = 0.01


def dsp_pairs(graph: Graph, target) -> dict[int, int]:
    """The pairs of candidate_pairs that would run on the DSP kernels."""
    return {j: k for j, (k, kind) in candidate_pairs(graph, target).items() if kind == "dsp"}


def pair_extra_instructions(graph: Graph, pw_k: int, dw_k: int, target) -> float:
    """The estimated instructions a DSP pair adds to its two ops run apart on `target`."""
    from tinyc.backends.native.lower import lowering_for
    from tinyc.ops import macs
    apart = 0.0
    for op in (graph.ops[pw_k], graph.ops[dw_k]):
        apart += lowering_for(graph, op).select(graph, op, target).estimated_instructions(
            macs(graph, op))
    return DSP_PAIR_OVERHEAD * apart


def ring_bytes(graph: Graph, dw) -> int:
    t, w = graph.tensors[dw.inputs[0]], graph.tensors[dw.inputs[1]]
    return w.shape[1] * t.shape[2] * t.shape[3]


def pair_scratch_bytes(graph: Graph, pw_k: int, dw_k: int, target) -> int:
    """The fused kernel's scratch: the rows (ring_bytes), and for the DSP pair the depthwise
    kernel's own scratch after them (tinyc_pointwise_depthwise_s8_dsp_scratch_size)."""
    dw = graph.ops[dw_k]
    if pair_kind(graph, pw_k, dw_k, target) != "dsp":
        return ring_bytes(graph, dw)
    from tinyc.backends.native.lower import lowering_for
    return ring_bytes(graph, dw) + lowering_for(graph, dw).scratch_bytes(graph, dw, target)


def _int8(graph, op) -> bool:
    x, w, y = (graph.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    return (all(t.dtype == "int8" and len(t.shape) == 4 for t in (x, w, y))
            and x.shape[0] == y.shape[0] == 1)


def _pointwise(graph, op) -> bool:
    if not _int8(graph, op):
        return False
    x, w = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]]
    o = op.options
    return (tuple(w.shape[1:3]) == (1, 1) and w.shape[3] == x.shape[3]
            and int(o.get("stride_h", 1)) == int(o.get("stride_w", 1)) == 1
            and int(o.get("dilation_h_factor", 1)) == int(o.get("dilation_w_factor", 1)) == 1)


def _plain_depthwise(graph, op) -> bool:
    o = op.options
    return (_int8(graph, op) and int(o.get("dilation_h_factor", 1)) == 1
            and int(o.get("dilation_w_factor", 1)) == 1)
