"""CONCATENATION: per outer slice, one contiguous copy per input (no requantization: TFLM
requires the int8 inputs to share the output's scale and zero point)."""
from __future__ import annotations

import math

import numpy as np

from tinyc.backends.native.cgen import CExpr
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.geometry import elem_bytes
from tinyc.errors import TinycError


@lowering("CONCATENATION")
def lower(ctx, op):
    g = ctx.graph
    out = g.tensors[op.outputs[0]]
    ins = [g.tensors[i] for i in op.inputs]
    rank = len(out.shape)
    axis = int(op.options.get("axis", 0))
    axis = axis + rank if axis < 0 else axis
    act = op.options.get("fused_activation", "NONE")
    if act not in ("NONE", None):
        raise TinycError(f"op {op.index} CONCATENATION: fused activation {act} is not supported")
    n = elem_bytes(op, out)
    for t in ins:
        if t.dtype != out.dtype or len(t.shape) != rank or any(
                t.shape[k] != out.shape[k] for k in range(rank) if k != axis):
            raise TinycError(f"op {op.index} CONCATENATION: input {list(t.shape)} {t.dtype} does "
                             f"not fit output {list(out.shape)} {out.dtype} on axis {axis}")
        if out.dtype == "int8" and (scale(t), zp(t)) != (scale(out), zp(out)):
            raise TinycError(f"op {op.index} CONCATENATION: int8 inputs must share the output's "
                             "scale and zero point (TFLM does not requantize)")
        if out.dtype == "int16" and (zp(t), zp(out)) != (0, 0):
            raise TinycError(f"op {op.index} CONCATENATION: int16 inputs and output need zero "
                             "point 0 (TFLM copies them unscaled)")
    inner = math.prod(out.shape[axis + 1:])
    parts = np.array([t.shape[axis] * inner * n for t in ins], np.int32)
    params = ctx.params(op, "tinyc_concatenation_params", {
        "outer": math.prod(out.shape[:axis]), "n_inputs": len(ins),
        "part_bytes": ctx.const(f"op{op.index}_parts", parts),
        "output_row_bytes": int(parts.sum()),
    })
    inputs = CExpr("(const void *const[]){ " + ", ".join(str(ctx.ptr(i)) for i in op.inputs) + " }")
    return KernelCall(func="tinyc_concatenation", args=[params, inputs, ctx.ptr(op.outputs[0])],
                      headers=["concatenation.h"], sources=["concatenation.c"])
