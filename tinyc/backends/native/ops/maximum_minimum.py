"""MAXIMUM and MINIMUM, int8, with broadcasting: TFLM compares the raw values and does not
rescale, so neither does tinyc (firmware/kernels/maximum_minimum_s8.c)."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.broadcast import broadcast_params, inplace_binary
from tinyc.errors import TinycError


def _lower(ctx, op):
    in1, in2, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1]), ctx.tensor(op.outputs[0])
    for t in (in1, in2, out):
        if t.dtype != "int8":
            raise TinycError(f"op {op.index} {op.opcode}: only int8 is supported "
                             f"(tensor '{t.name}' is {t.dtype})")
    flag, bc = broadcast_params(op, in1.shape, in2.shape, out.shape)
    params = ctx.params(op, "tinyc_maximum_minimum_params",
                        {"size": out.elements, "broadcast": flag, "bc": bc})
    func = "tinyc_maximum_s8" if op.opcode == "MAXIMUM" else "tinyc_minimum_s8"
    return KernelCall(func=func, args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
                                       ctx.ptr(op.outputs[0])],
                      headers=["maximum_minimum_s8.h"], sources=["maximum_minimum_s8.c"])


lowering("MAXIMUM", inplace=inplace_binary)(_lower)
lowering("MINIMUM", inplace=inplace_binary)(_lower)
