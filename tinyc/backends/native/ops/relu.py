"""RELU and RELU6, int8: 256-entry tables with TFLM's arithmetic.

RELU requantizes to the output (ReluQuantized); RELU6 clamps in the input's quantization to
[zero, six] (Relu6Quantized), as TFLM does."""
from __future__ import annotations

from tinyc.backends.native.fixedpoint import mbqm
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import f32, make_table, unary_lut
from tinyc.backends.native.quant import quantize_multiplier, tflm_round


def relu_table(inp, out):
    mult, shift = quantize_multiplier(f32(f32(scale(inp)) / f32(scale(out))))
    act_min = max(-128, zp(out))

    def fn(x):
        v = zp(out) + mbqm(x - zp(inp), mult, shift)
        return min(127, max(act_min, v))
    return make_table(fn)


def relu6_table(inp):
    zero = zp(inp)
    six = min(127, max(-128, tflm_round(f32(f32(6.0) / f32(scale(inp)))) + zp(inp)))
    return make_table(lambda x: six if x > six else (zero if x < zero else x))


unary_lut("RELU", lambda inp, out, op: relu_table(inp, out))
unary_lut("RELU6", lambda inp, out, op: relu6_table(inp))
