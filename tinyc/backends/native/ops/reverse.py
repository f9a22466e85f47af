"""REVERSE_V2, as TFLM's reverse.cc: one strided copy walking the reversed axes backwards.
TFLM fails the invoke unless the axes, once sorted, are consecutive (no duplicates), so tinyc
refuses the others at compile time."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import (const_ints, contiguous_strides, copy_nd_params,
                                                elem_bytes)
from tinyc.errors import TinycError


def reversed_axes(op, axes: list[int], rank: int) -> list[int]:
    norm = sorted(a + rank if a < 0 else a for a in axes)
    if any(not 0 <= a < rank for a in norm) or any(b != a + 1 for a, b in zip(norm, norm[1:])):
        raise TinycError(f"op {op.index} REVERSE_V2: axes {axes} must be distinct, consecutive "
                         f"axes of the {rank}-D input, as TFLM requires")
    return norm


@lowering("REVERSE_V2")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    if inp.dtype != out.dtype or list(inp.shape) != list(out.shape):
        raise TinycError(f"op {op.index} REVERSE_V2: input {inp.dtype} {list(inp.shape)} and "
                         f"output {out.dtype} {list(out.shape)} must match")
    axes = reversed_axes(op, const_ints(ctx, op, 1, "the axes"), len(inp.shape))
    strides = contiguous_strides(inp.shape)
    # src[i] for output i: reversed axes start at their last index and step back
    src = [-s if k in axes else s for k, s in enumerate(strides)]
    base = sum((d - 1) * s for k, (d, s) in enumerate(zip(inp.shape, strides)) if k in axes)
    params = ctx.params(op, "tinyc_copy_nd_params", copy_nd_params(
        op, out.shape, src, contiguous_strides(out.shape), base, 0, elem_bytes(op, inp)))
    return KernelCall(func="tinyc_copy_nd",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["copy_nd.h"], sources=["copy_nd.c"])
