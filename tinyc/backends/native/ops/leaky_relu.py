"""LEAKY_RELU, int8: a 256-entry table with TFLM's QuantizeLeakyRelu arithmetic."""
from __future__ import annotations

from tinyc.backends.native.fixedpoint import mbqm
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import f32, make_table, unary_lut
from tinyc.backends.native.quant import quantize_multiplier


def leaky_relu_multipliers(inp, out, alpha: float) -> dict:
    """TFLM's Prepare: the identity and alpha multipliers, the alpha one made non-negative
    with its sign apart, as QuantizeLeakyRelu does. The wheel's TFLM computes both
    scale_in * alpha / scale_out and scale_in / scale_out as doubles of the float32 values
    (in float32 some int16 inputs come out one off: tests alpha-double and
    test_leaky_relu_int16_all_inputs)."""
    s_in, s_out = float(f32(scale(inp))), float(f32(scale(out)))
    mult_alpha, shift_alpha = quantize_multiplier(s_in * float(f32(alpha)) / s_out)
    mult_id, shift_id = quantize_multiplier(s_in / s_out)
    return {"mult_id": mult_id, "shift_id": shift_id, "mult_alpha": abs(mult_alpha),
            "shift_alpha": shift_alpha, "alpha_negative": int(mult_alpha < 0)}


def leaky_relu_table(inp, out, alpha: float):
    m = leaky_relu_multipliers(inp, out, alpha)
    mult_id, shift_id, shift_alpha = m["mult_id"], m["shift_id"], m["shift_alpha"]
    negative, safe_alpha = m["alpha_negative"], m["mult_alpha"]

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
