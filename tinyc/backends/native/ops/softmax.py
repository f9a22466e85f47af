"""SOFTMAX, int8 -> int8 or int16, TFLM's fixed-point reference (firmware/kernels/softmax_s8.c).

TFLM's Prepare computes input_multiplier, input_left_shift and diff_min from beta and the
input scale; since a row's input_diff is one of 256 values, tinyc goes further and tabulates
exp_on_negative_values of every rescaled diff at compile time."""
from __future__ import annotations

import math

import numpy as np

from tinyc.backends.native.fixedpoint import exp_on_negative_values, srdhm, wrap32
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.quant import ScaleError, quantize_multiplier
from tinyc.errors import TinycError

SCALED_DIFF_INTEGER_BITS = 5


def softmax_exp_table(beta: float, input_scale: float) -> np.ndarray:
    real = min(beta * input_scale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
    mult, left_shift = quantize_multiplier(real)
    if left_shift < 0:
        raise ValueError("beta * input scale too small")
    radius = math.floor(1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1)
                        * (1 << (31 - SCALED_DIFF_INTEGER_BITS)) / (1 << left_shift))
    n = min(256, radius + 1)        # diffs 0, -1, ..., -(n-1) are >= diff_min
    table = []
    for d in range(n):
        rescaled = srdhm(wrap32(-d * (1 << left_shift)), mult)
        table.append(exp_on_negative_values(rescaled, SCALED_DIFF_INTEGER_BITS))
    return np.array(table, np.int32)


# int8 input: the output's zero point and scale TFLM requires, and the kernel
_OUTPUTS = {"int8": (-128, 256, "tinyc_softmax_s8"), "int16": (-32768, 65536, "tinyc_softmax_s8_s16")}


@lowering("SOFTMAX", inplace=lambda g, op: not g.tensors[op.inputs[0]].is_const)
def lower(ctx, op):
    """int8 -> int8, and int8 -> int16 (called from softmax_s16.py, the int16 outputs')."""
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    if inp.dtype != "int8" or out.dtype not in _OUTPUTS:
        raise TinycError(f"op {op.index} SOFTMAX: only int8 -> int8/int16 and int16 -> int16 "
                         f"are supported (got {inp.dtype} -> {out.dtype})")
    want_zp, inv_scale, func = _OUTPUTS[out.dtype]
    if zp(out) != want_zp or abs(scale(out) - 1 / inv_scale) > 0.001 / inv_scale:
        raise TinycError(f"op {op.index} SOFTMAX: {out.dtype} output must have zero point "
                         f"{want_zp} and scale 1/{inv_scale} (got {zp(out)}, {scale(out)!r}), "
                         "as TFLM requires")
    beta = float(op.options.get("beta", 1.0))
    try:
        table = softmax_exp_table(beta, float(scale(inp)))
    except ScaleError:
        raise
    except ValueError:
        raise TinycError(f"op {op.index} SOFTMAX: beta {beta!r} times input scale "
                         f"{scale(inp)!r} is too small for TFLM's int8 kernel") from None
    depth = inp.shape[-1] if inp.shape else 1
    params = ctx.params(op, "tinyc_softmax_params", {
        "outer": inp.elements // max(depth, 1), "depth": depth, "exp_size": len(table),
        "exp_table": ctx.const(f"op{op.index}_exp", table, key=("softmax_exp", table.tobytes()))})
    return KernelCall(func=func,
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["softmax_s8.h"], sources=["softmax_s8.c"])
