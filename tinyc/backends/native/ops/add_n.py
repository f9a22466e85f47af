"""ADD_N int8, as TFLM's add_n.cc: every input with the first's shape, scale and zero point (its
Prepare refuses others); multipliers as its Prepare derives them (firmware/kernels/add_n_s8.c).
The sum is bounded at compile time so that the int32 accumulator cannot overflow."""
from __future__ import annotations

from tinyc.backends.native.cgen import CExpr
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.quant import activation_range, quantize_multiplier
from tinyc.errors import TinycError

LEFT_SHIFT = 20   # TFLM kAddNIntegerShift


@lowering("ADD_N")
def lower(ctx, op):
    ins = [ctx.tensor(i) for i in op.inputs]
    out = ctx.tensor(op.outputs[0])
    name = f"op {op.index} ADD_N"
    if len(ins) < 2 or any(t.dtype != "int8" for t in ins) or out.dtype != "int8":
        raise TinycError(f"{name}: needs at least 2 int8 inputs and an int8 output, as TFLM")
    first = ins[0]
    for t in ins[1:] + [out]:
        if list(t.shape) != list(first.shape):
            raise TinycError(f"{name}: tensor '{t.name}' {list(t.shape)} differs from the first "
                             f"input's shape {list(first.shape)}, which TFLM refuses")
    for t in ins[1:]:
        if scale(t) != scale(first) or zp(t) != zp(first):
            raise TinycError(f"{name}: input '{t.name}' has scale {scale(t):g} and zero point "
                             f"{zp(t)}, the first input {scale(first):g} and {zp(first)}; TFLM "
                             "requires them equal")
    twice_max = 2 * float(scale(first))
    in_mult, in_shift = quantize_multiplier(float(scale(first)) / twice_max)
    out_mult, out_shift = quantize_multiplier(twice_max / ((1 << LEFT_SHIFT) * float(scale(out))))
    if in_shift > 0 or out_shift > 0:
        raise TinycError(f"{name}: the output scale {scale(out)} is too small for TFLM's ADD_N "
                         "(its multipliers must be below 1)")
    # each term is at most 255 << 19 in magnitude; TFLM's int32 sum would overflow past 15
    if (len(ins) + 1) * (255 << (LEFT_SHIFT - 1)) > 2**31 - 1:
        raise TinycError(f"{name}: {len(ins)} inputs overflow TFLM's int32 sum (at most 15)")
    lo, hi = activation_range("NONE", scale(out), zp(out))
    params = ctx.params(op, "tinyc_add_n_params", {
        "size": out.elements, "n_inputs": len(ins), "input_offset": -zp(first),
        "left_shift": LEFT_SHIFT, "input_multiplier": in_mult, "input_shift": in_shift,
        "output_multiplier": out_mult, "output_shift": out_shift, "output_offset": zp(out),
        "act_min": lo, "act_max": hi})
    inputs = CExpr("(const int8_t *const[]){ " + ", ".join(str(ctx.ptr(i)) for i in op.inputs)
                   + " }")
    return KernelCall(func="tinyc_add_n_s8", args=[params, inputs, ctx.ptr(op.outputs[0])],
                      headers=["add_n_s8.h"], sources=["add_n_s8.c"])
