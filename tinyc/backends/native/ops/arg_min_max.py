"""ARG_MAX and ARG_MIN: int8 input, int32 output, one constant axis (TFLM's int8 kernel supports
exactly this; firmware/kernels/arg_min_max_s8.c)."""
from __future__ import annotations

import math

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import const_ints
from tinyc.errors import TinycError


def _lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    name = f"op {op.index} {op.opcode}"
    if inp.dtype != "int8" or out.dtype != "int32":
        raise TinycError(f"{name}: only int8 -> int32 is supported ({inp.dtype} -> {out.dtype})")
    if ctx.tensor(op.inputs[1]).dtype != "int32":
        raise TinycError(f"{name}: the axis must be int32, as TFLM requires")
    rank = len(inp.shape)
    axis = const_ints(ctx, op, 1, "the axis")
    if len(axis) != 1 or not -rank <= axis[0] < rank:
        raise TinycError(f"{name}: axis {axis} is not one axis of a rank-{rank} tensor")
    axis = axis[0] % rank
    if list(out.shape) != list(inp.shape[:axis]) + list(inp.shape[axis + 1:]):
        raise TinycError(f"{name}: output {list(out.shape)} is not {list(inp.shape)} without "
                         f"axis {axis}")
    params = ctx.params(op, "tinyc_arg_min_max_params", {
        "outer": math.prod(inp.shape[:axis]), "axis_size": inp.shape[axis],
        "inner": math.prod(inp.shape[axis + 1:]), "is_max": int(op.opcode == "ARG_MAX")})
    return KernelCall(func="tinyc_arg_min_max_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["arg_min_max_s8.h"], sources=["arg_min_max_s8.c"])


lowering("ARG_MAX")(_lower)
lowering("ARG_MIN")(_lower)
