"""DEPTHWISE_CONV_2D int8: any depth multiplier, strides, dilation, SAME/VALID, per-channel."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import channel_multipliers, zp
from tinyc.backends.native.ops.conv2d import check_int8, folded_bias
from tinyc.backends.native.ops.fused import act_range
from tinyc.backends.native.ops.geometry import dims4, spatial


def depthwise_scratch_bytes(g, op) -> int:
    """Twin of tinyc_depthwise_conv2d_s8_scratch_size: the portable kernel needs none."""
    return 0


@lowering("DEPTHWISE_CONV_2D", scratch_bytes=depthwise_scratch_bytes)
def lower(ctx, op):
    g = ctx.graph
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    check_int8(op, inp, w, out)
    _, fh, fw, oc = w.shape      # shapes and window: tinyc/frontend/preconditions.py
    dm = oc // inp.shape[3]
    weights = np.asarray(w.data, np.int64).reshape(-1, oc)
    mult, shift = channel_multipliers(inp, w, out, oc)
    lo, hi = act_range(op, out)
    params = ctx.params(op, "tinyc_depthwise_conv2d_params", {
        "input": dims4(inp), "filter": {"n": 1, "h": fh, "w": fw, "c": oc},
        "output": dims4(out), "depth_multiplier": dm, **spatial(op, inp, out, fh, fw),
        "input_offset": -zp(inp), "output_offset": zp(out), "act_min": lo, "act_max": hi,
        "quant": {"multiplier": ctx.const(f"op{op.index}_mult", mult),
                  "shift": ctx.const(f"op{op.index}_shift", shift)},
    })
    bias = folded_bias(g, op, weights.sum(axis=0), inp)
    return KernelCall(
        func="tinyc_depthwise_conv2d_s8",
        args=[params, ctx.scratch(op), ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
              ctx.const(f"op{op.index}_bias", bias), ctx.ptr(op.outputs[0])],
        headers=["depthwise_conv2d_s8.h"], sources=["depthwise_conv2d_s8.c"])
