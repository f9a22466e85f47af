"""LOGISTIC and TANH, int8: 256-entry tables with TFLM's gemmlowp fixed-point arithmetic
(input rescaled to Q4.27, gemmlowp logistic/tanh, rounded to the int8 output)."""
from __future__ import annotations

import math

from tinyc.backends.native.fixedpoint import logistic, mbqm, rdbpot, tanh
from tinyc.backends.native.lower import lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import check_int8_unary, inplace_int8, lut_call, make_table
from tinyc.backends.native.quant import tflm_round
from tinyc.errors import TinycError

INPUT_INTEGER_BITS = 4


def _input_rescale(inp, op):
    """TFLM's Prepare for int8 LOGISTIC/TANH: (multiplier, left_shift, input_range_radius)."""
    real = float(scale(inp)) * float(1 << (31 - INPUT_INTEGER_BITS))
    q, left_shift = math.frexp(real)
    mult = tflm_round(q * (1 << 31))
    if not 0 <= left_shift <= 31 or mult >= 1 << 31:
        raise TinycError(f"op {op.index} {op.opcode}: input scale {scale(inp)!r} is out of "
                         "the range TFLM's int8 kernel handles")
    radius = math.floor(1.0 * ((1 << INPUT_INTEGER_BITS) - 1)
                        * (1 << (31 - INPUT_INTEGER_BITS)) / (1 << left_shift))
    return mult, left_shift, radius


def logistic_table(inp, op):
    mult, shift, radius = _input_rescale(inp, op)

    def fn(x):
        v = x - zp(inp)
        if v <= -radius:
            return -128
        if v >= radius:
            return 127
        o = rdbpot(logistic(mbqm(v, mult, shift), INPUT_INTEGER_BITS), 31 - 8)
        return min(127, max(-128, o - 128))
    return make_table(fn)


def tanh_table(inp, op):
    mult, shift, radius = _input_rescale(inp, op)

    def fn(x):
        v = x - zp(inp)
        if v <= -radius:
            return -128
        if v >= radius:
            return 127
        o = rdbpot(tanh(mbqm(v, mult, shift), INPUT_INTEGER_BITS), 31 - 7)
        return min(127, max(-128, o))
    return make_table(fn)


@lowering("LOGISTIC", inplace=inplace_int8)
def lower_logistic(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    check_int8_unary(op, inp, out)
    return lut_call(ctx, op, logistic_table(inp, op))


@lowering("TANH", inplace=inplace_int8)
def lower_tanh(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    check_int8_unary(op, inp, out)
    return lut_call(ctx, op, tanh_table(inp, op))
