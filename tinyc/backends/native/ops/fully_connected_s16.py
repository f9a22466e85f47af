"""FULLY_CONNECTED int16x8 (TFLM's reference FullyConnected(PerChannel) for int16: int8
weights, int64 accumulator and bias, any zero points): firmware/kernels/fully_connected_s16.c."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import channel_multipliers, zp
from tinyc.backends.native.ops.int16x8 import act_range16, bias64
from tinyc.errors import TinycError


@lowering("FULLY_CONNECTED", dtype="int16")
def lower(ctx, op):
    g = ctx.graph
    if len(op.inputs) < 2 or min(op.inputs[:2]) < 0 or not op.outputs:
        raise TinycError(f"op {op.index} FULLY_CONNECTED: needs an input, weights and an output "
                         f"(has inputs {op.inputs}, outputs {op.outputs}); the model is malformed")
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    if inp.dtype != "int16" or w.dtype != "int8":
        raise TinycError(f"op {op.index} FULLY_CONNECTED: an int16 output needs an int16 input "
                         f"and int8 weights (got {inp.dtype}/{w.dtype})")
    if not w.is_const or w.quant is None or inp.quant is None or out.quant is None:
        raise TinycError(f"op {op.index} FULLY_CONNECTED: the weights must be constant, and "
                         "input, weights and output quantized")
    if any(int(z) != 0 for z in w.quant.zero_point):
        raise TinycError(f"op {op.index} FULLY_CONNECTED: weights zero points must be 0")
    out_features, in_features = w.shape[0], w.shape[-1]
    if w.elements != out_features * in_features or inp.elements % in_features \
            or out.elements != inp.elements // in_features * out_features:
        raise TinycError(f"op {op.index} FULLY_CONNECTED: weights {list(w.shape)} do not fit "
                         f"input {list(inp.shape)} and output {list(out.shape)}")
    weights = np.asarray(w.data, np.int8).reshape(out_features, in_features)
    bias, acc32 = bias64(g, op, 2, out_features)
    folded = bias - zp(inp) * weights.astype(np.int64).sum(axis=1)
    mult, shift = channel_multipliers(inp, w, out, out_features)
    per_channel = int(len(w.quant.scale) > 1)
    if not per_channel:
        mult, shift = mult[:1], shift[:1]
    lo, hi = act_range16(op, out)
    params = ctx.params(op, "tinyc_fully_connected_s16_params", {
        "fc": {"batches": inp.elements // in_features, "in_features": in_features,
               "out_features": out_features, "input_offset": -zp(inp),
               "output_offset": zp(out), "act_min": lo, "act_max": hi,
               "per_channel": per_channel,
               "quant": {"multiplier": ctx.const(f"op{op.index}_mult", mult),
                         "shift": ctx.const(f"op{op.index}_shift", shift)}},
        "int32_accumulator": int(acc32)})
    return KernelCall(func="tinyc_fully_connected_s16",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
                            ctx.const(f"op{op.index}_bias", folded.astype(np.int64)),
                            ctx.ptr(op.outputs[0])],
                      headers=["fully_connected_s16.h"], sources=["fully_connected_s16.c"])
