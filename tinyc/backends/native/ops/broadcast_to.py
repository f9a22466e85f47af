"""BROADCAST_TO, as TFLM's broadcast_to.cc (at most 5 dims): one strided copy whose broadcast
axes have source stride 0."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import (const_ints, contiguous_strides, copy_nd_params,
                                                elem_bytes)
from tinyc.errors import TinycError

MAX_DIMS = 5   # TFLM broadcast_to.cc kMaxDims


@lowering("BROADCAST_TO")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    name = f"op {op.index} BROADCAST_TO"
    shape = const_ints(ctx, op, 1, "the shape")
    if inp.dtype != out.dtype:
        raise TinycError(f"{name}: input {inp.dtype} and output {out.dtype} differ")
    if len(out.shape) > MAX_DIMS or len(inp.shape) > len(out.shape):
        raise TinycError(f"{name}: {list(inp.shape)} -> {list(out.shape)}: TFLM broadcasts to at "
                         f"most {MAX_DIMS} dims, from no more dims than the output has")
    pad = len(out.shape) - len(inp.shape)
    full = [1] * pad + list(inp.shape)
    if shape != list(out.shape) or any(d not in (1, o) for d, o in zip(full, out.shape)):
        raise TinycError(f"{name}: {list(inp.shape)} does not broadcast to shape {shape} "
                         f"(output {list(out.shape)})")
    strides = contiguous_strides(full)
    src = [0 if d == 1 else s for d, s in zip(full, strides)]
    params = ctx.params(op, "tinyc_copy_nd_params", copy_nd_params(
        op, out.shape, src, contiguous_strides(out.shape), 0, 0, elem_bytes(op, inp)))
    return KernelCall(func="tinyc_copy_nd",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["copy_nd.h"], sources=["copy_nd.c"])
