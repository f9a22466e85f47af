"""PRELU int8 with a broadcast alpha, as TFLM's CalculatePreluParams (multipliers in double)
and BroadcastPrelu4DSlow (firmware/kernels/prelu_s8.c)."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.add import check_int8_binary
from tinyc.backends.native.ops.broadcast import broadcast_params, inplace_binary
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.quant import quantize_multiplier


@lowering("PRELU", inplace=inplace_binary)
def lower(ctx, op):
    inp, alpha, out = (ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1]),
                       ctx.tensor(op.outputs[0]))
    check_int8_binary(op, (inp, alpha, out))
    m_pos, s_pos = quantize_multiplier(scale(inp) / scale(out))
    m_neg, s_neg = quantize_multiplier(scale(inp) * scale(alpha) / scale(out))
    flag, bc = broadcast_params(op, inp.shape, alpha.shape, out.shape)
    params = ctx.params(op, "tinyc_prelu_params", {
        "size": out.elements, "input_offset": -zp(inp), "alpha_offset": -zp(alpha),
        "output_offset": zp(out), "multiplier_pos": m_pos, "shift_pos": s_pos,
        "multiplier_neg": m_neg, "shift_neg": s_neg, "broadcast": flag, "bc": bc})
    return KernelCall(func="tinyc_prelu_s8", args=[params, ctx.ptr(op.inputs[0]),
                                                   ctx.ptr(op.inputs[1]), ctx.ptr(op.outputs[0])],
                      headers=["prelu_s8.h"], sources=["prelu_s8.c"])
