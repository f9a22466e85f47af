"""SPLIT (inputs: axis, tensor) and SPLIT_V (inputs: tensor, size_splits, axis), as TFLM: the
axis must be a constant, outputs are plain copies (firmware/kernels/split.c)."""
from __future__ import annotations

import math

import numpy as np

from tinyc.backends.native.cgen import CExpr
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import const_ints, elem_bytes
from tinyc.errors import TinycError


def _lower(ctx, op):
    g = ctx.graph
    data_k, axis_k = (1, 0) if op.opcode == "SPLIT" else (0, 2)
    inp = g.tensors[op.inputs[data_k]]
    outs = [g.tensors[i] for i in op.outputs]
    rank = len(inp.shape)
    axis = const_ints(ctx, op, axis_k, "the axis")
    if len(axis) != 1 or not -rank <= axis[0] < rank:
        raise TinycError(f"op {op.index} {op.opcode}: axis {axis} is not one axis of a "
                         f"rank-{rank} tensor")
    axis = axis[0] % rank
    n = elem_bytes(op, inp)
    for t in outs:
        if t.dtype != inp.dtype or len(t.shape) != rank or any(
                t.shape[k] != inp.shape[k] for k in range(rank) if k != axis):
            raise TinycError(f"op {op.index} {op.opcode}: output {list(t.shape)} {t.dtype} does "
                             f"not fit input {list(inp.shape)} {inp.dtype} on axis {axis}")
    if sum(t.shape[axis] for t in outs) != inp.shape[axis]:
        raise TinycError(f"op {op.index} {op.opcode}: the outputs do not add up to the input's "
                         f"{inp.shape[axis]} along axis {axis}")
    inner = math.prod(inp.shape[axis + 1:])
    parts = np.array([t.shape[axis] * inner * n for t in outs], np.int32)
    params = ctx.params(op, "tinyc_split_params", {
        "outer": math.prod(inp.shape[:axis]), "n_outputs": len(outs),
        "part_bytes": ctx.const(f"op{op.index}_parts", parts)})
    outputs = CExpr("(void *const[]){ " + ", ".join(str(ctx.ptr(i)) for i in op.outputs) + " }")
    return KernelCall(func="tinyc_split", args=[params, ctx.ptr(op.inputs[data_k]), outputs],
                      headers=["split.h"], sources=["split.c"])


lowering("SPLIT")(_lower)
lowering("SPLIT_V")(_lower)
