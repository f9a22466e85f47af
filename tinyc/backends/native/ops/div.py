"""DIV int8 with broadcasting, as TFLM's div.cc and reference DivElementwise, with GetReciprocal
tabulated here for the 255 possible divisor magnitudes (firmware/kernels/div_s8.c).

The multiplier s1 / (s2 * so) is computed in double: the TFLM interpreter agrees with that
and not with the float expression in its source where the quotient lands on a rounding tie
(tests/test_kernels_math.py, case q3)."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.fixedpoint import get_reciprocal
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.add import check_int8_binary
from tinyc.backends.native.ops.broadcast import broadcast_params
from tinyc.backends.native.ops.common import fused_range, scale, zp
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.errors import TinycError


def reciprocal_tables() -> tuple[np.ndarray, np.ndarray]:
    pairs = [(0, 0)] + [get_reciprocal(v, 31) for v in range(1, 256)]
    return (np.array([p[0] for p in pairs], np.int32), np.array([p[1] for p in pairs], np.int32))


@lowering("DIV")
def lower(ctx, op):
    in1, in2, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1]), ctx.tensor(op.outputs[0])
    check_int8_binary(op, (in1, in2, out))
    mult, shift = quantize_multiplier(scale(in1) / (scale(in2) * scale(out)))
    # the final right shift is recip_shift (0..7) + headroom (23..31) - shift: it must stay
    # within 0..63, where TFLM's arithmetic is defined on the machine it runs on
    if not -24 <= shift <= 22:
        raise TinycError(f"op {op.index} DIV: the scales give a multiplier 2^{shift}, beyond "
                         "what TFLM's int8 DIV computes")
    lo, hi = fused_range(op, out)
    recip, recip_shift = reciprocal_tables()
    flag, bc = broadcast_params(op, in1.shape, in2.shape, out.shape)
    params = ctx.params(op, "tinyc_div_params", {
        "size": out.elements, "input1_offset": -zp(in1), "input2_offset": -zp(in2),
        "output_offset": zp(out), "output_multiplier": mult, "output_shift": shift,
        "act_min": lo, "act_max": hi,
        "recip": ctx.const("div_recip", recip, key=("div_recip",)),
        "recip_shift": ctx.const("div_recip_shift", recip_shift, key=("div_recip_shift",)),
        "broadcast": flag, "bc": bc})
    return KernelCall(func="tinyc_div_s8", args=[params, ctx.ptr(op.inputs[0]),
                                                 ctx.ptr(op.inputs[1]), ctx.ptr(op.outputs[0])],
                      headers=["div_s8.h"], sources=["div_s8.c"])
