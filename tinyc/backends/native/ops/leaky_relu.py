"""LEAKY_RELU, int8: a 256-entry table with TFLM's QuantizeLeakyRelu arithmetic."""
from __future__ import annotations

from tinyc.backends.native.fixedpoint import mbqm
from tinyc.backends.native.lower import lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import check_int8_unary, f32, inplace_int8, lut_call, make_table
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


@lowering("LEAKY_RELU", inplace=inplace_int8)
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    check_int8_unary(op, inp, out)
    return lut_call(ctx, op, leaky_relu_table(inp, out, float(op.options.get("alpha", 0.2))))
