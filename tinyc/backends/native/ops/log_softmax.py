"""LOG_SOFTMAX int8 over the last axis, as TFLM's log_softmax.cc (PreprocessLogSoftmaxScalingExp,
CalculateInputRadius) and reference LogSoftmaxQuantized. A row's difference to its maximum is
one of 256 values: the rescaled difference and its exp are tabulated here; the log of the
row's sum runs on the device (firmware/kernels/log_softmax_s8.c)."""
from __future__ import annotations

import math

import numpy as np

from tinyc.backends.native.fixedpoint import exp_on_negative_values, mbqm, rdbpot
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import f32
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.errors import TinycError

DIFF_BITS = 5


def log_softmax_numbers(input_scale: float):
    """(diff_min, diff_q5[256], exp_q12[256], reverse multiplier, reverse shift)."""
    real = min(1.0 * input_scale * (1 << (31 - DIFF_BITS)), (1 << 31) - 1.0)
    mult, left_shift = quantize_multiplier(real)
    if left_shift < 0:
        raise ValueError("input scale too small")
    rev_real = (1 << (31 - left_shift)) / float(mult)
    rev_mult, rev_shift = quantize_multiplier(rev_real)
    if not 0.0 < rev_real < 1.0 or rev_shift > 0:
        raise ValueError("reverse scaling divisor outside (0, 1)")
    diff_min = -math.floor(1.0 * ((1 << DIFF_BITS) - 1) * (1 << (31 - DIFF_BITS))
                           / (1 << left_shift))
    diff_q5, exp_q12 = [], []
    for d in range(256):
        q5 = mbqm(-d, mult, left_shift) if -d >= diff_min else 0
        diff_q5.append(q5)
        exp_q12.append(rdbpot(exp_on_negative_values(q5, DIFF_BITS), 12) if -d >= diff_min else 0)
    return (diff_min, np.array(diff_q5, np.int32), np.array(exp_q12, np.int32), rev_mult,
            rev_shift)


@lowering("LOG_SOFTMAX")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    name = f"op {op.index} LOG_SOFTMAX"
    if inp.dtype != "int8" or out.dtype != "int8" or list(inp.shape) != list(out.shape):
        raise TinycError(f"{name}: only int8 -> int8 of one shape is supported")
    if f32(scale(out)) != f32(16.0 / 256) or zp(out) != 127:
        raise TinycError(f"{name}: int8 output must have scale 16/256 and zero point 127 (got "
                         f"{scale(out)!r}, {zp(out)}), as TFLM requires")
    try:
        diff_min, diff_q5, exp_q12, rev_mult, rev_shift = log_softmax_numbers(float(scale(inp)))
    except ValueError:
        raise TinycError(f"{name}: input scale {scale(inp)!r} is outside what TFLM's int8 "
                         "kernel handles") from None
    depth = inp.shape[-1] if inp.shape else 1
    params = ctx.params(op, "tinyc_log_softmax_params", {
        "outer": inp.elements // max(depth, 1), "depth": depth, "diff_min": diff_min,
        "diff_q5": ctx.const(f"op{op.index}_diff", diff_q5),
        "exp_q12": ctx.const(f"op{op.index}_exp", exp_q12),
        "reverse_multiplier": rev_mult, "reverse_shift": rev_shift})
    return KernelCall(func="tinyc_log_softmax_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["log_softmax_s8.h"], sources=["log_softmax_s8.c"])
