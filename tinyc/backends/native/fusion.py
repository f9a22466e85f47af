"""Row-streamed pairs: a 1x1 CONV_2D whose output only feeds a DEPTHWISE_CONV_2D runs inside
it (pointwise_depthwise_s8.c), so the 1x1 output is never stored whole, only the depthwise
filter's rows of it in a ring in scratch. Taken for expanding 1x1 convs (output larger than
input: MobileNet's expand layers, where the activation peak usually is), with the portable
kernels on both ops, unless --optimize speed; the backend keeps them only when the arena
comes out smaller than without them (a fused pair keeps the 1x1 input live longer and gives up
the two ops' overlaps).
"""
from __future__ import annotations

from tinyc.ir import Graph

RING_KERNEL = ("pointwise_depthwise_s8.h", "conv2d_s8.h", "depthwise_conv2d_s8.h")


def fusable_pairs(graph: Graph, target) -> dict[int, int]:
    """{1x1 conv op: the depthwise op it feeds} for the pairs that run as one kernel."""
    if target.optimize == "speed" or not target.fuse:
        return {}
    from tinyc.backends.native.lower import lowering_for
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
        if any(lowering_for(graph, o).select(graph, o, target).variant != "portable"
               for o in (pw, dw)):
            continue
        pairs[pw_k] = k
    return pairs


def ring_bytes(graph: Graph, dw) -> int:
    t, w = graph.tensors[dw.inputs[0]], graph.tensors[dw.inputs[1]]
    return w.shape[1] * t.shape[2] * t.shape[3]


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
