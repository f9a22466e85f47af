"""REDUCE_MAX and REDUCE_MIN int8 over any axes (firmware/kernels/reduce_minmax_s8.c). TFLM
refuses an int8 output whose scale or zero point differs from the input's; so does tinyc."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.reduce_axes import reduce_axes
from tinyc.errors import TinycError


def _lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    if inp.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"op {op.index} {op.opcode}: only int8 is supported "
                         f"({inp.dtype} -> {out.dtype})")
    if (scale(inp), zp(inp)) != (scale(out), zp(out)):
        raise TinycError(f"op {op.index} {op.opcode}: the output must keep the input's scale "
                         "and zero point (TFLM refuses a rescaling max/min)")
    params = ctx.params(op, "tinyc_reduce_minmax_params", {
        **reduce_axes(ctx, op).fields, "is_max": int(op.opcode == "REDUCE_MAX")})
    return KernelCall(func="tinyc_reduce_minmax_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["reduce_minmax_s8.h"], sources=["reduce_minmax_s8.c"])


lowering("REDUCE_MAX")(_lower)
lowering("REDUCE_MIN")(_lower)
