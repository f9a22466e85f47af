"""DEPTHWISE_CONV_2D int16x8 (TFLM's reference DepthwiseConvPerChannel for int16: int64 bias
and accumulator, no zero-point offsets): firmware/kernels/depthwise_conv2d_s16.c."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import channel_multipliers
from tinyc.backends.native.ops.geometry import dims4, spatial
from tinyc.backends.native.ops.int16x8 import act_range16
from tinyc.errors import TinycError


@lowering("DEPTHWISE_CONV_2D", dtype="int16")
def lower(ctx, op):
    g = ctx.graph
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    if inp.dtype != "int16" or w.dtype != "int8":
        raise TinycError(f"op {op.index} DEPTHWISE_CONV_2D: an int16 output needs an int16 "
                         f"input and int8 weights (got {inp.dtype}/{w.dtype})")
    if not w.is_const or w.quant is None or inp.quant is None or out.quant is None:
        raise TinycError(f"op {op.index} DEPTHWISE_CONV_2D: the filter must be constant, and "
                         "input, filter and output quantized")
    _, fh, fw, oc = w.shape      # shapes and window: tinyc/frontend/preconditions.py
    bias = np.zeros(oc, np.int64)
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bt = g.tensors[op.inputs[2]]
        # TFLM reads an int16 depthwise conv's bias as int64 whatever its type
        if bt.dtype != "int64" or not bt.is_const or bt.elements != oc:
            raise TinycError(f"op {op.index} DEPTHWISE_CONV_2D: an int16 depthwise conv needs a "
                             f"constant int64 [{oc}] bias (got {bt.dtype} {list(bt.shape)})")
        bias = np.asarray(bt.data, np.int64).reshape(-1)
    mult, shift = channel_multipliers(inp, w, out, oc)
    lo, hi = act_range16(op, out)
    params = ctx.params(op, "tinyc_depthwise_conv2d_params", {
        "input": dims4(inp), "filter": {"n": 1, "h": fh, "w": fw, "c": oc},
        "output": dims4(out), "depth_multiplier": oc // inp.shape[3],
        **spatial(op, inp, out, fh, fw),
        "input_offset": 0, "output_offset": 0, "act_min": lo, "act_max": hi,
        "quant": {"multiplier": ctx.const(f"op{op.index}_mult", mult),
                  "shift": ctx.const(f"op{op.index}_shift", shift)}})
    return KernelCall(func="tinyc_depthwise_conv2d_s16",
                      args=[params, ctx.scratch(op), ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
                            ctx.const(f"op{op.index}_bias", bias), ctx.ptr(op.outputs[0])],
                      headers=["depthwise_conv2d_s16.h"], sources=["depthwise_conv2d_s16.c"])
