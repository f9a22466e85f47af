"""QUANTIZE: float32 -> int8/int16 at the model's edges, and requantization between int8,
int16 and int32 (int8 -> int8 and uint8 <-> int8 are 256-entry tables), with TFLM's
arithmetic."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.fixedpoint import mbqm
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import lut_call, make_table
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.dtypes import np_dtype
from tinyc.errors import TinycError

_REQUANT = {("int16", "int8"): "tinyc_requantize_s16_s8",
            ("int8", "int16"): "tinyc_requantize_s8_s16",
            ("int16", "int16"): "tinyc_requantize_s16_s16",
            ("int32", "int16"): "tinyc_requantize_s32_s16",
            ("int16", "int32"): "tinyc_requantize_s16_s32",
            ("int32", "int8"): "tinyc_requantize_s32_s8",
            ("int8", "int32"): "tinyc_requantize_s8_s32"}
_FROM_FLOAT = {"int8": "tinyc_quantize_f32_s8", "int16": "tinyc_quantize_f32_s16"}


def _multiplier(inp, out):
    """TFLM: QuantizeMultiplier(double(input scale) / double(output scale))."""
    return quantize_multiplier(float(scale(inp)) / float(scale(out)))


def requantize_table(inp, out):
    mult, shift = _multiplier(inp, out)
    return make_table(lambda x: min(127, max(-128, mbqm(x - zp(inp), mult, shift) + zp(out))))


# The byte-wise requantizations TFLM has (Requantize<In, Out>), as tables over the input byte.
_BYTE_PAIRS = {("int8", "int8"), ("uint8", "int8"), ("int8", "uint8")}


def requantize_byte_table(inp, out):
    """table[s + 128] for the input byte read as int8 s; entries are output bytes as int8."""
    mult, shift = _multiplier(inp, out)
    info = np.iinfo(np_dtype(out.dtype))
    byte = np.arange(-128, 128, dtype=np.int8).view(np_dtype(inp.dtype)).astype(np.int64)
    vals = [min(info.max, max(info.min, mbqm(int(x) - zp(inp), mult, shift) + zp(out)))
            for x in byte]
    return np.array(vals, np.int64).astype(np_dtype(out.dtype)).view(np.int8)


def _check(op, inp, out):
    if out.quant is None or len(out.quant.scale) != 1:
        raise TinycError(f"op {op.index} QUANTIZE: output '{out.name}' needs per-tensor "
                         "quantization (per-channel QUANTIZE is not supported)")
    if inp.dtype != "float32" and (inp.quant is None or len(inp.quant.scale) != 1):
        raise TinycError(f"op {op.index} QUANTIZE: input '{inp.name}' needs per-tensor "
                         "quantization")


def _inplace(graph, op) -> bool:
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    return not x.is_const and (x.dtype, y.dtype) in _BYTE_PAIRS


@lowering("QUANTIZE", inplace=_inplace)
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    _check(op, inp, out)
    pair = (inp.dtype, out.dtype)
    if pair == ("int8", "int8"):
        return lut_call(ctx, op, requantize_table(inp, out))
    if pair in _BYTE_PAIRS:
        return lut_call(ctx, op, requantize_byte_table(inp, out), ctype="int8_t")
    if inp.dtype == "float32" and out.dtype in _FROM_FLOAT:
        params = ctx.params(op, "tinyc_quantize_params", {
            "size": out.elements, "scale": float(scale(out)), "zero_point": zp(out)})
        func = _FROM_FLOAT[out.dtype]
    elif pair in _REQUANT:
        mult, shift = _multiplier(inp, out)
        params = ctx.params(op, "tinyc_requantize_params", {
            "size": out.elements, "input_zero_point": zp(inp), "output_zero_point": zp(out),
            "multiplier": mult, "shift": shift})
        func = _REQUANT[pair]
    else:
        raise TinycError(f"op {op.index} QUANTIZE: {inp.dtype} -> {out.dtype} is not supported "
                         "(float32 -> int8/int16, int8/int16/int32 <-> int16, int8 <-> int32, "
                         "int8 -> int8, uint8 <-> int8 are)")
    return KernelCall(func=func, args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["quantize.h"], sources=["quantize.c"])
