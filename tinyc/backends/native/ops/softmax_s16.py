"""SOFTMAX to int16. int16 -> int16: TFLM's reference SoftmaxInt16, its Prepare's two
513-entry tables from tinyc/backends/native/lut16.py (firmware/kernels/softmax_s16.c);
int8 -> int16: the int8 kernel with 16 output bits (softmax.py)."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.lut16 import softmax_exp_lut, softmax_one_over_one_plus_x_lut
from tinyc.backends.native.ops import softmax as softmax_int8
from tinyc.backends.native.ops.common import scale
from tinyc.backends.native.ops.int16x8 import check_zero_points
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.errors import TinycError


def _inplace(g, op) -> bool:
    """int16 -> int16 only (an int8 input is narrower than the output)."""
    x = g.tensors[op.inputs[0]]
    return not x.is_const and x.dtype == "int16"


@lowering("SOFTMAX", inplace=_inplace, dtype="int16")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    if inp.dtype == "int8":
        return softmax_int8.lower(ctx, op)
    if inp.dtype != "int16":
        raise TinycError(f"op {op.index} SOFTMAX: {inp.dtype} -> int16 is not supported "
                         "(int16 -> int16 and int8 -> int8/int16 are)")
    check_zero_points(op, inp, out)
    if abs(scale(out) - 1 / 32768) > 0.001 / 32768:
        raise TinycError(f"op {op.index} SOFTMAX: int16 output scale must be 1/32768 (got "
                         f"{scale(out)!r}), as TFLM requires")
    beta = float(op.options.get("beta", 1.0))
    mult, shift = quantize_multiplier(float(scale(inp)) * beta / (10.0 / 65535.0))
    depth = inp.shape[-1]
    params = ctx.params(op, "tinyc_softmax_s16_params", {
        "outer": inp.elements // depth, "depth": depth,
        "input_multiplier": mult, "input_shift": shift,
        "exp_lut": ctx.const("softmax_exp_lut", softmax_exp_lut(), key=("softmax_exp16",)),
        "one_over_one_plus_x_lut": ctx.const("softmax_recip_lut", softmax_one_over_one_plus_x_lut(),
                                             key=("softmax_recip16",))})
    return KernelCall(func="tinyc_softmax_s16",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["softmax_s16.h"], sources=["softmax_s16.c"])
