"""MUL int16 (TFLM's int16 Mul: zero points 0, one int32 requantization of the product), with
broadcasting: firmware/kernels/mul_s16.c."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.broadcast import broadcast_params
from tinyc.backends.native.ops.common import scale
from tinyc.backends.native.ops.int16x8 import act_range16, check_zero_points
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.errors import TinycError


def _inplace(graph, op) -> bool:
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    return not x.is_const and x.dtype == y.dtype == "int16" and x.elements == y.elements


@lowering("MUL", inplace=_inplace, dtype="int16")
def lower(ctx, op):
    in1, in2 = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1])
    out = ctx.tensor(op.outputs[0])
    for t in (in1, in2):
        if t.dtype != "int16":
            raise TinycError(f"op {op.index} MUL: an int16 output needs int16 inputs (tensor "
                             f"'{t.name}' is {t.dtype})")
    check_zero_points(op, in1, in2, out)
    mult, shift = quantize_multiplier(float(scale(in1)) * float(scale(in2)) / float(scale(out)))
    lo, hi = act_range16(op, out)
    flag, bc = broadcast_params(op, in1.shape, in2.shape, out.shape)
    params = ctx.params(op, "tinyc_mul_params", {
        "size": out.elements, "input1_offset": 0, "input2_offset": 0, "output_offset": 0,
        "output_multiplier": mult, "output_shift": shift, "act_min": lo, "act_max": hi,
        "broadcast": flag, "bc": bc})
    return KernelCall(func="tinyc_mul_s16", args=[params, ctx.ptr(op.inputs[0]),
                                                  ctx.ptr(op.inputs[1]), ctx.ptr(op.outputs[0])],
                      headers=["mul_s16.h"], sources=["mul_s16.c"])
