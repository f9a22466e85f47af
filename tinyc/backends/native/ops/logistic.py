"""LOGISTIC and TANH, int8: 256-entry tables with TFLM's gemmlowp fixed-point arithmetic
(input rescaled to Q4.27, gemmlowp logistic/tanh, rounded to the int8 output)."""
from __future__ import annotations

import math

from tinyc.backends.native.fixedpoint import logistic, mbqm, rdbpot, tanh
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import make_table, unary_lut
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


def _saturating_table(inp, op, f, out_shift: int, out_offset: int):
    """TFLM's int8 LOGISTIC/TANH: rescale the input to Q4.27, apply f, round to 8 bits."""
    mult, shift, radius = _input_rescale(inp, op)

    def fn(x):
        v = x - zp(inp)
        if v <= -radius:
            return -128
        if v >= radius:
            return 127
        o = rdbpot(f(mbqm(v, mult, shift), INPUT_INTEGER_BITS), out_shift)
        return min(127, max(-128, o + out_offset))
    return make_table(fn)


def logistic_table(inp, op):
    return _saturating_table(inp, op, logistic, 31 - 8, -128)


def tanh_table(inp, op):
    return _saturating_table(inp, op, tanh, 31 - 7, 0)


unary_lut("LOGISTIC", lambda inp, out, op: logistic_table(inp, op))
unary_lut("TANH", lambda inp, out, op: tanh_table(inp, op))
