"""LEAKY_RELU, int8: a 256-entry table with TFLM's QuantizeLeakyRelu arithmetic."""
from __future__ import annotations

from tinyc.backends.native.fixedpoint import mbqm
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import f32, make_table, unary_lut
from tinyc.backends.native.quant import quantize_multiplier


def leaky_relu_table(inp, out, alpha: float):
    s_in, s_out = f32(scale(inp)), f32(scale(out))
    mult_alpha, shift_alpha = quantize_multiplier(f32(f32(s_in * f32(alpha)) / s_out))
    mult_id, shift_id = quantize_multiplier(f32(s_in / s_out))
    negative = mult_alpha < 0
    safe_alpha = -mult_alpha if negative else mult_alpha

    def fn(x):
        v = x - zp(inp)
        if v >= 0:
            r = zp(out) + mbqm(v, mult_id, shift_id)
        else:
            s = mbqm(v, safe_alpha, shift_alpha)
            r = zp(out) + (-s if negative else s)
        return min(127, max(-128, r))
    return make_table(fn)


unary_lut("LEAKY_RELU", lambda inp, out, op: leaky_relu_table(
    inp, out, float(op.options.get("alpha", 0.2))))
