"""DEQUANTIZE: int8/int16 -> float32 at the model's outputs, (float)(scale * (x - zp)) in
double precision as TFLM computes it."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.errors import TinycError

_FUNCS = {"int8": "tinyc_dequantize_s8_f32", "int16": "tinyc_dequantize_s16_f32"}


@lowering("DEQUANTIZE")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    if inp.dtype not in _FUNCS or out.dtype != "float32":
        raise TinycError(f"op {op.index} DEQUANTIZE: {inp.dtype} -> {out.dtype} is not supported "
                         "(int8/int16 -> float32 are)")
    if inp.quant is None or len(inp.quant.scale) != 1:
        raise TinycError(f"op {op.index} DEQUANTIZE: input '{inp.name}' needs per-tensor "
                         "quantization (per-channel DEQUANTIZE is not supported)")
    params = ctx.params(op, "tinyc_dequantize_params", {
        "size": out.elements, "scale": float(scale(inp)), "zero_point": zp(inp)})
    return KernelCall(func=_FUNCS[inp.dtype],
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["dequantize.h"], sources=["dequantize.c"])
