"""SQUARED_DIFFERENCE int8 with broadcasting, as TFLM's squared_difference.cc: multipliers in
double from the larger input scale, left shift 7 (firmware/kernels/squared_difference_s8.c)."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.add import _smaller_than_one, check_int8_binary
from tinyc.backends.native.ops.broadcast import broadcast_params, inplace_binary
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.quant import quantize_multiplier

LEFT_SHIFT = 7


@lowering("SQUARED_DIFFERENCE", inplace=inplace_binary)
def lower(ctx, op):
    in1, in2, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1]), ctx.tensor(op.outputs[0])
    check_int8_binary(op, (in1, in2, out))
    twice_max = 2.0 * max(scale(in1), scale(in2))
    m1, s1 = _smaller_than_one(op, scale(in1) / twice_max)
    m2, s2 = _smaller_than_one(op, scale(in2) / twice_max)
    mo, so = quantize_multiplier(twice_max * twice_max / ((1 << 2 * LEFT_SHIFT) * scale(out)))
    flag, bc = broadcast_params(op, in1.shape, in2.shape, out.shape)
    params = ctx.params(op, "tinyc_squared_difference_params", {
        "size": out.elements, "input1_offset": -zp(in1), "input2_offset": -zp(in2),
        "output_offset": zp(out), "left_shift": LEFT_SHIFT,
        "input1_multiplier": m1, "input1_shift": s1, "input2_multiplier": m2, "input2_shift": s2,
        "output_multiplier": mo, "output_shift": so, "broadcast": flag, "bc": bc})
    return KernelCall(func="tinyc_squared_difference_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
                            ctx.ptr(op.outputs[0])],
                      headers=["squared_difference_s8.h"], sources=["squared_difference_s8.c"])
