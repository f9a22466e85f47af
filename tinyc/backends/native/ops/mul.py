"""MUL, int8, with broadcasting (firmware/kernels/mul_s8.c)."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.add import check_int8_binary
from tinyc.backends.native.ops.broadcast import broadcast_params, inplace_binary
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.fused import act_range
from tinyc.backends.native.quant import quantize_multiplier


@lowering("MUL", inplace=inplace_binary)
def lower(ctx, op):
    in1, in2 = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1])
    out = ctx.tensor(op.outputs[0])
    check_int8_binary(op, (in1, in2, out))
    mult, shift = quantize_multiplier(float(scale(in1)) * float(scale(in2)) / float(scale(out)))
    lo, hi = act_range(op, out)
    flag, bc = broadcast_params(op, in1.shape, in2.shape, out.shape)
    params = ctx.params(op, "tinyc_mul_params", {
        "size": out.elements, "input1_offset": -zp(in1), "input2_offset": -zp(in2),
        "output_offset": zp(out), "output_multiplier": mult, "output_shift": shift,
        "act_min": lo, "act_max": hi, "broadcast": flag, "bc": bc})
    return KernelCall(func="tinyc_mul_s8", args=[params, ctx.ptr(op.inputs[0]),
                                                 ctx.ptr(op.inputs[1]), ctx.ptr(op.outputs[0])],
                      headers=["mul_s8.h"], sources=["mul_s8.c"])
