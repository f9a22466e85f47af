"""MEAN int8 over any axes. TFLM's requantization for the mean (reference QuantizedMeanOrSum):
QuantizeMultiplier(input_scale / output_scale), then the multiplier is divided by the element
count in a shifted form; all of it here, at compile time."""
from __future__ import annotations

import math

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import zp
from tinyc.backends.native.ops.geometry import const_ints, contiguous_strides
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.errors import TinycError

MAX_DIMS = 6   # TINYC_MEAN_MAX_DIMS


def mean_multiplier(in_scale: float, out_scale: float, count: int) -> tuple[int, int]:
    mult, shift = quantize_multiplier(float(in_scale) / float(out_scale))
    s = count.bit_length() - 1          # 63 - CountLeadingZeros(count)
    s = min(s, 32, 31 + shift)
    return int((mult << s) // count), shift - s


def _squeeze(dims, strides):
    d = [(a, b) for a, b in zip(dims, strides) if a != 1]
    return [a for a, _ in d], [b for _, b in d]


@lowering("MEAN")
def lower(ctx, op):
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    if inp.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"op {op.index} MEAN: only int8 is supported ({inp.dtype} -> {out.dtype})")
    rank = len(inp.shape)
    axes = sorted({a + rank if a < 0 else a for a in const_ints(ctx, op, 1, "the axes")})
    if any(a < 0 or a >= rank for a in axes):
        raise TinycError(f"op {op.index} MEAN: axes out of range for rank {rank}")
    kept = [k for k in range(rank) if k not in axes]
    if math.prod(inp.shape[k] for k in kept) != out.elements:
        raise TinycError(f"op {op.index} MEAN: output {list(out.shape)} does not match reducing "
                         f"{list(inp.shape)} over {axes}")
    strides = contiguous_strides(inp.shape)
    od, os_ = _squeeze([inp.shape[k] for k in kept], [strides[k] for k in kept])
    rd, rs = _squeeze([inp.shape[k] for k in axes], [strides[k] for k in axes])
    if len(od) > MAX_DIMS or len(rd) > MAX_DIMS:
        raise TinycError(f"op {op.index} MEAN: more than {MAX_DIMS} dims")
    count = math.prod(inp.shape[k] for k in axes)
    if count == 0 or out.elements == 0:
        raise TinycError(f"op {op.index} MEAN: empty reduction")
    mult, shift = mean_multiplier(inp.quant.scale[0], out.quant.scale[0], count)
    pad = lambda v: v + [0] * (MAX_DIMS - len(v))  # noqa: E731
    params = ctx.params(op, "tinyc_mean_params", {
        "out_ndim": len(od), "out_dims": pad(od), "out_stride": pad(os_),
        "red_ndim": len(rd), "red_dims": pad(rd), "red_stride": pad(rs),
        "zp_times_count": zp(inp) * count, "multiplier": mult, "shift": shift,
        "output_offset": zp(out),
    })
    return KernelCall(func="tinyc_mean_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["mean_s8.h"], sources=["mean_s8.c"])
