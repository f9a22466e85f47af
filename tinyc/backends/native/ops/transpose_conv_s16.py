"""TRANSPOSE_CONV int16x8 (TFLM's reference TransposeConv for int16: int64 accumulators in
scratch, int64 or int16 bias): firmware/kernels/transpose_conv_s16.c."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import channel_multipliers
from tinyc.backends.native.ops.int16x8 import act_range16, check_weighted
from tinyc.backends.native.ops.transpose_conv import transpose_geometry
from tinyc.backends.native.target import portable
from tinyc.errors import TinycError


def select(graph, op, target):
    out = graph.tensors[op.outputs[0]]
    return portable("tinyc_transpose_conv_s16", "transpose_conv_s16",
                    scratch_bytes=8 * out.elements)


@lowering("TRANSPOSE_CONV", select=select, dtype="int16")
def lower(ctx, op):
    g = ctx.graph
    w, inp, out = g.tensors[op.inputs[1]], g.tensors[op.inputs[2]], g.tensors[op.outputs[0]]
    check_weighted(op, inp, w, out)
    geometry = transpose_geometry(g, op, inp, w, out)
    oc = w.shape[0]
    bias = "NULL"
    if len(op.inputs) > 3 and op.inputs[3] >= 0:
        bt = g.tensors[op.inputs[3]]
        # TFLM reads an int64 bias, and widens an int16 one; an int32 one it would misread
        if bt.dtype not in ("int64", "int16") or not bt.is_const or bt.elements != oc:
            raise TinycError(f"op {op.index} TRANSPOSE_CONV: an int16 transpose conv needs a "
                             f"constant int64 (or int16) [{oc}] bias (got {bt.dtype} "
                             f"{list(bt.shape)})")
        bias = ctx.const(f"op{op.index}_bias", np.asarray(bt.data, np.int64).reshape(-1))
    mult, shift = channel_multipliers(inp, w, out, oc)
    lo, hi = act_range16(op, out)
    params = ctx.params(op, "tinyc_transpose_conv_params", {
        **geometry, "input_offset": 0, "output_offset": 0, "act_min": lo, "act_max": hi,
        "quant": {"multiplier": ctx.const(f"op{op.index}_mult", mult),
                  "shift": ctx.const(f"op{op.index}_shift", shift)}})
    return KernelCall.of(ctx.choice(op), [params, ctx.scratch(op), ctx.ptr(op.inputs[2]),
                                          ctx.ptr(op.inputs[1]), bias, ctx.ptr(op.outputs[0])])
