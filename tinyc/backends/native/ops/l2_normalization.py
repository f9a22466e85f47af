"""L2_NORMALIZATION int8 over the last axis, as TFLM (firmware/kernels/l2_normalization_s8.c):
the inverse square root depends on each row's values, so it runs on the device."""
from __future__ import annotations

import math

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import zp
from tinyc.errors import TinycError


@lowering("L2_NORMALIZATION")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    name = f"op {op.index} L2_NORMALIZATION"
    if inp.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"{name}: only int8 is supported ({inp.dtype} -> {out.dtype})")
    if len(inp.shape) > 4 or list(inp.shape) != list(out.shape) or not inp.shape:
        raise TinycError(f"{name}: input {list(inp.shape)} and output {list(out.shape)} must be "
                         "the same shape of at most 4 dims, as TFLM requires")
    if op.options.get("fused_activation", "NONE") not in ("NONE", None):
        raise TinycError(f"{name}: a fused activation is not supported (TFLM refuses it)")
    depth = inp.shape[-1]
    if depth * 255 * 255 >= 2 ** 31:
        raise TinycError(f"{name}: rows of {depth} values overflow TFLM's int32 sum of squares")
    params = ctx.params(op, "tinyc_l2_normalization_params", {
        "outer": math.prod(inp.shape[:-1]), "depth": depth, "input_zero_point": zp(inp)})
    return KernelCall(func="tinyc_l2_normalization_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["l2_normalization_s8.h"], sources=["l2_normalization_s8.c"])
