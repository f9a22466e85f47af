"""FULLY_CONNECTED int8 (per-tensor or per-channel weights)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinyc.backends.native.lower import KernelCall, kernel_variant, lowering_with_variants
from tinyc.backends.native.ops.common import channel_multipliers, fused_range, zp
from tinyc.backends.native.target import portable
from tinyc.errors import TinycError


@dataclass
class FullyConnectedNumbers:
    """FULLY_CONNECTED's Prepare, shared by every kernel variant."""
    weights: np.ndarray      # int8 [out_features, in_features]
    batches: int
    mult: np.ndarray         # length 1 unless per_channel
    shift: np.ndarray
    per_channel: int
    bias: np.ndarray         # int32: bias + input_offset * sum(row)
    act_min: int
    act_max: int


def prepare(g, op) -> FullyConnectedNumbers:
    if len(op.inputs) < 2 or min(op.inputs[:2]) < 0 or not op.outputs:
        raise TinycError(f"op {op.index} FULLY_CONNECTED: needs an input, weights and an output "
                         f"(has inputs {op.inputs}, outputs {op.outputs}); the model is malformed")
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
    weights = np.asarray(w.data, np.int8).reshape(out_features, in_features)
    b = np.zeros(out_features, np.int64) if bias is None else np.asarray(bias.data, np.int64)
    folded = b + (-zp(inp)) * weights.astype(np.int64).sum(axis=1)
    mult, shift = channel_multipliers(inp, w, out, out_features)
    per_channel = int(len(w.quant.scale) > 1)
    if not per_channel:
        mult, shift = mult[:1], shift[:1]
    lo, hi = fused_range(op, out)
    return FullyConnectedNumbers(weights, batches, mult, shift, per_channel,
                                 folded.astype(np.int32), lo, hi)


def fully_connected_params(ctx, op, nums: FullyConnectedNumbers) -> dict:
    """The fields of tinyc_fully_connected_params."""
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    out_features, in_features = nums.weights.shape
    return {
        "batches": nums.batches, "in_features": in_features, "out_features": out_features,
        "input_offset": -zp(inp), "output_offset": zp(out),
        "act_min": nums.act_min, "act_max": nums.act_max, "per_channel": nums.per_channel,
        "quant": {"multiplier": ctx.const(f"op{op.index}_mult", nums.mult),
                  "shift": ctx.const(f"op{op.index}_shift", nums.shift)},
    }


select = lowering_with_variants("FULLY_CONNECTED", prepare)


@kernel_variant("FULLY_CONNECTED", "portable",
                lambda g, op, target: portable("tinyc_fully_connected_s8", "fully_connected_s8"))
def emit_portable(ctx, op, choice, nums: FullyConnectedNumbers):
    params = ctx.params(op, "tinyc_fully_connected_params", fully_connected_params(ctx, op, nums))
    return KernelCall.of(choice, [params, ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
                                  ctx.const(f"op{op.index}_bias", nums.bias),
                                  ctx.ptr(op.outputs[0])])
