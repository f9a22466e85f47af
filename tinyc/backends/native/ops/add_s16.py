"""ADD and SUB int16 (TFLM's general-scale int16 Add and Sub, left shift 15; SUB's multipliers
in float as TFLM's): firmware/kernels/add_s16.c."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.add import add_multipliers
from tinyc.backends.native.ops.broadcast import broadcast_params
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.int16x8 import act_range16
from tinyc.errors import TinycError

LEFT_SHIFT = 15


def _inplace(graph, op) -> bool:
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    return not x.is_const and x.dtype == y.dtype == "int16" and x.elements == y.elements


def lower(ctx, op):
    in1, in2 = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1])
    out = ctx.tensor(op.outputs[0])
    for t in (in1, in2, out):
        if t.dtype != "int16":
            raise TinycError(f"op {op.index} {op.opcode}: int16 needs int16 inputs and output "
                             f"(tensor '{t.name}' is {t.dtype})")
        if t.quant is None or len(t.quant.scale) != 1:
            raise TinycError(f"op {op.index} {op.opcode}: tensor '{t.name}' needs per-tensor "
                             "quantization")
    (m1, sh1), (m2, sh2), (mo, sho) = add_multipliers(op, scale(in1), scale(in2), scale(out),
                                                      LEFT_SHIFT)
    lo, hi = act_range16(op, out)
    flag, bc = broadcast_params(op, in1.shape, in2.shape, out.shape)
    params = ctx.params(op, "tinyc_add_params", {
        "size": out.elements, "input1_offset": -zp(in1), "input2_offset": -zp(in2),
        "output_offset": zp(out), "left_shift": LEFT_SHIFT,
        "input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2,
        "input2_shift": sh2, "output_multiplier": mo, "output_shift": sho,
        "act_min": lo, "act_max": hi, "broadcast": flag, "bc": bc})
    func = "tinyc_add_s16" if op.opcode == "ADD" else "tinyc_sub_s16"
    return KernelCall(func=func, args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
                                       ctx.ptr(op.outputs[0])],
                      headers=["add_s16.h"], sources=["add_s16.c"])


lowering("ADD", inplace=_inplace, dtype="int16")(lower)
lowering("SUB", inplace=_inplace, dtype="int16")(lower)
