"""FULLY_CONNECTED int8 (per-tensor or per-channel weights)."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import channel_multipliers, zp
from tinyc.backends.native.ops.fused import act_range
from tinyc.errors import TinycError


@lowering("FULLY_CONNECTED")
def lower(ctx, op):
    g = ctx.graph
    inp, w = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]]
    bias = g.tensors[op.inputs[2]] if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    out = g.tensors[op.outputs[0]]
    if inp.dtype != "int8" or w.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"op {op.index} FULLY_CONNECTED: only int8 input/weights/output are "
                         f"supported (got {inp.dtype}/{w.dtype}/{out.dtype})")
    if not w.is_const:
        raise TinycError(f"op {op.index} FULLY_CONNECTED: weights must be constant")
    if w.quant is not None and any(int(z) != 0 for z in w.quant.zero_point):
        raise TinycError(f"op {op.index} FULLY_CONNECTED: weights '{w.name}' have zero point "
                         f"{int(w.quant.zero_point[0])}; the native backend takes symmetric "
                         "int8 weights (zero point 0), as TensorFlow exports them: re-export "
                         "it, or use --backend tflm")
    out_features, in_features = w.shape[0], w.shape[-1]
    batches = inp.elements // in_features
    weights = np.asarray(w.data, np.int32).reshape(out_features, in_features)
    b = np.zeros(out_features, np.int64) if bias is None else np.asarray(bias.data, np.int64)
    folded = b + (-zp(inp)) * weights.sum(axis=1)
    mult, shift = channel_multipliers(inp, w, out, out_features)
    per_channel = int(len(w.quant.scale) > 1)
    if not per_channel:
        mult, shift = mult[:1], shift[:1]
    lo, hi = act_range(op, out)
    params = ctx.params(op, "tinyc_fully_connected_params", {
        "batches": batches, "in_features": in_features, "out_features": out_features,
        "input_offset": -zp(inp), "output_offset": zp(out), "act_min": lo, "act_max": hi,
        "per_channel": per_channel,
        "quant": {"multiplier": ctx.const(f"op{op.index}_mult", mult),
                  "shift": ctx.const(f"op{op.index}_shift", shift)},
    })
    return KernelCall(
        func="tinyc_fully_connected_s8",
        args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
              ctx.const(f"op{op.index}_bias", folded.astype(np.int32)), ctx.ptr(op.outputs[0])],
        headers=["fully_connected_s8.h"], sources=["fully_connected_s8.c"])
