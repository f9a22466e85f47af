"""BATCH_MATMUL int8, per-tensor, as TFLM (GetQuantizedConvolutionMultipler: the scale product
in float, the ratio in double): adj_x/adj_y and batch broadcasting become strides and offset
tables here (firmware/kernels/batch_matmul_s8.c)."""
from __future__ import annotations

import itertools

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.geometry import contiguous_strides
from tinyc.backends.native.ops.lut import f32
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.errors import TinycError


@lowering("BATCH_MATMUL")
def lower(ctx, op):
    lhs, rhs, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1]), ctx.tensor(op.outputs[0])
    name = f"op {op.index} BATCH_MATMUL"
    for t in (lhs, rhs, out):
        if t.dtype != "int8" or t.quant is None or len(t.quant.scale) != 1:
            raise TinycError(f"{name}: only per-tensor int8 is supported (tensor '{t.name}' is "
                             f"{t.dtype})")
    rank = max(len(lhs.shape), len(rhs.shape))
    if not (2 <= len(lhs.shape) <= 5 and 2 <= len(rhs.shape) <= 5):
        raise TinycError(f"{name}: operands must have 2 to 5 dims, as TFLM requires")
    ls = [1] * (rank - len(lhs.shape)) + list(lhs.shape)
    rs = [1] * (rank - len(rhs.shape)) + list(rhs.shape)
    adj_x, adj_y = bool(op.options.get("adj_x")), bool(op.options.get("adj_y"))
    rows, depth = (ls[-1], ls[-2]) if adj_x else (ls[-2], ls[-1])
    rdepth, cols = (rs[-1], rs[-2]) if adj_y else (rs[-2], rs[-1])
    batch = []
    for a, b in zip(ls[:-2], rs[:-2]):
        if a != b and 1 not in (a, b):
            raise TinycError(f"{name}: batch dims {ls[:-2]} and {rs[:-2]} do not broadcast")
        batch.append(max(a, b))
    if depth != rdepth or list(out.shape) != batch + [rows, cols]:
        raise TinycError(f"{name}: {list(lhs.shape)} x {list(rhs.shape)} (adj_x={adj_x}, "
                         f"adj_y={adj_y}) does not give {list(out.shape)}")
    lstr, rstr = contiguous_strides(ls), contiguous_strides(rs)
    offs = [(sum(i * s for i, s, d in zip(idx, lstr, ls) if d != 1),
             sum(i * s for i, s, d in zip(idx, rstr, rs) if d != 1))
            for idx in itertools.product(*(range(n) for n in batch))]
    mult, shift = quantize_multiplier(float(f32(f32(scale(lhs)) * f32(scale(rhs)))) / scale(out))
    params = ctx.params(op, "tinyc_batch_matmul_params", {
        "batches": len(offs), "rows": rows, "cols": cols, "depth": depth,
        "lhs_offset": ctx.const(f"op{op.index}_lhs_off", np.array([o[0] for o in offs], np.int32)),
        "rhs_offset": ctx.const(f"op{op.index}_rhs_off", np.array([o[1] for o in offs], np.int32)),
        "lhs_row_stride": 1 if adj_x else ls[-1], "lhs_depth_stride": ls[-1] if adj_x else 1,
        "rhs_depth_stride": 1 if adj_y else rs[-1], "rhs_col_stride": rs[-1] if adj_y else 1,
        "lhs_offset_value": -zp(lhs), "rhs_offset_value": -zp(rhs), "output_offset": zp(out),
        "multiplier": mult, "shift": shift})
    return KernelCall(func="tinyc_batch_matmul_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
                            ctx.ptr(op.outputs[0])],
                      headers=["batch_matmul_s8.h"], sources=["batch_matmul_s8.c"])
