"""MEAN and SUM int8 and int16 over any axes. TFLM's requantization (reference QuantizedMeanOrSum):
QuantizeMultiplier(input_scale / output_scale); for the mean the multiplier is then divided
by the element count in a shifted form; all of it here, at compile time."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import zp
from tinyc.backends.native.ops.reduce_axes import reduce_axes
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.errors import TinycError


def mean_multiplier(in_scale: float, out_scale: float, count: int) -> tuple[int, int]:
    mult, shift = quantize_multiplier(float(in_scale) / float(out_scale))
    s = count.bit_length() - 1          # 63 - CountLeadingZeros(count)
    s = min(s, 32, 31 + shift)
    return int((mult << s) // count), shift - s


_KERNELS = {"int8": "mean_s8", "int16": "mean_s16"}


def _wrap32(v: int) -> int:
    return (v + (1 << 31)) % (1 << 32) - (1 << 31)


def _lower(ctx, op):
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    if inp.dtype != out.dtype or inp.dtype not in _KERNELS:
        raise TinycError(f"op {op.index} {op.opcode}: only int8 and int16 are supported "
                         f"({inp.dtype} -> {out.dtype})")
    axes = reduce_axes(ctx, op)
    if op.opcode == "MEAN":
        mult, shift = mean_multiplier(inp.quant.scale[0], out.quant.scale[0], axes.count)
    else:
        mult, shift = quantize_multiplier(float(inp.quant.scale[0]) / float(out.quant.scale[0]))
    params = ctx.params(op, "tinyc_mean_params", {
        # TFLM takes zp * count off the int32 sum in 64 bits, then casts to int32
        **axes.fields, "zp_times_count": _wrap32(zp(inp) * axes.count), "multiplier": mult,
        "shift": shift, "output_offset": zp(out),
    })
    kernel = _KERNELS[inp.dtype]
    return KernelCall(func=f"tinyc_{kernel}",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=[f"{kernel}.h"], sources=[f"{kernel}.c"])


lowering("MEAN")(_lower)
lowering("SUM")(_lower)
