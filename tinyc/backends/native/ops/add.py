"""ADD and SUB, int8, with broadcasting (firmware/kernels/add_sub_s8.c).

TFLM computes the multipliers of ADD in double and those of SUB in float (sub_common.cc);
both are reproduced here."""
from __future__ import annotations

from dataclasses import dataclass

from tinyc.backends.native.lower import KernelCall, kernel_variant, lowering_with_variants
from tinyc.backends.native.ops.broadcast import broadcast_params, inplace_binary
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.fused import act_range
from tinyc.backends.native.ops.lut import f32
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.backends.native.target import portable
from tinyc.errors import TinycError

LEFT_SHIFT = 20


def _smaller_than_one(op, m: float) -> tuple[int, int]:
    """TFLM QuantizeMultiplierSmallerThanOneExp."""
    mult, shift = quantize_multiplier(m)
    if not 0.0 < m < 1.0 or shift > 0:
        raise TinycError(f"op {op.index} {op.opcode}: scales give a multiplier {m!r} outside "
                         "(0, 1), which TFLM's int8 kernel rejects")
    return mult, shift


def add_multipliers(op, s1: float, s2: float, so: float, left_shift: int = LEFT_SHIFT):
    """ADD's and SUB's Prepare. Their source divides float32 scales in float, but the wheel's
    TFLM gives the double quotients' results (in float32 a few int16 outputs of TFLM's SEANet
    SUBs come out one off: test_sub_int16_multipliers_from_double_ratios)."""
    s1, s2, so = f32(s1), f32(s2), f32(so)
    twice_max = 2 * max(s1, s2)
    reals = (s1 / twice_max, s2 / twice_max, twice_max / ((1 << left_shift) * so))
    return [_smaller_than_one(op, r) for r in reals]


def check_int8_binary(op, ts):
    for t in ts:
        if t.dtype != "int8":
            raise TinycError(f"op {op.index} {op.opcode}: only int8 is supported "
                             f"(tensor '{t.name}' is {t.dtype})")
        if t.quant is None or len(t.quant.scale) != 1:
            raise TinycError(f"op {op.index} {op.opcode}: tensor '{t.name}' needs per-tensor "
                             "quantization")


@dataclass
class AddNumbers:
    """ADD/SUB's Prepare, shared by every kernel variant: the tinyc_add_params fields."""
    fields: dict


def prepare(g, op) -> AddNumbers:
    in1, in2 = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]]
    out = g.tensors[op.outputs[0]]
    check_int8_binary(op, (in1, in2, out))
    (m1, sh1), (m2, sh2), (mo, sho) = add_multipliers(op, scale(in1), scale(in2), scale(out))
    lo, hi = act_range(op, out)
    flag, bc = broadcast_params(op, in1.shape, in2.shape, out.shape)
    return AddNumbers({
        "size": out.elements, "input1_offset": -zp(in1), "input2_offset": -zp(in2),
        "output_offset": zp(out), "left_shift": LEFT_SHIFT,
        "input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2,
        "input2_shift": sh2, "output_multiplier": mo, "output_shift": sho,
        "act_min": lo, "act_max": hi, "broadcast": flag, "bc": bc})


def emit_portable(ctx, op, choice, nums: AddNumbers):
    params = ctx.params(op, "tinyc_add_params", nums.fields)
    return KernelCall.of(choice, [params, ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
                                  ctx.ptr(op.outputs[0])])


for _opcode, _func in (("ADD", "tinyc_add_s8"), ("SUB", "tinyc_sub_s8")):
    lowering_with_variants(_opcode, prepare, inplace=inplace_binary)
    kernel_variant(_opcode, "portable",
                   lambda g, op, target, f=_func: portable(f, "add_sub_s8"))(emit_portable)
