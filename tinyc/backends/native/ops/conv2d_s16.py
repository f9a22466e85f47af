"""CONV_2D int16x8 (TFLM's reference ConvPerChannel for int16): firmware/kernels/conv2d_s16.c."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import channel_multipliers
from tinyc.backends.native.ops.geometry import dims4, spatial
from tinyc.backends.native.ops.int16x8 import act_range16, bias64, check_weighted
from tinyc.errors import TinycError


@lowering("CONV_2D", dtype="int16")
def lower(ctx, op):
    g = ctx.graph
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    check_weighted(op, inp, w, out)
    if len(inp.shape) != 4 or len(w.shape) != 4 or len(out.shape) != 4:
        raise TinycError(f"op {op.index} CONV_2D: input, filter and output must be 4-D")
    oc, fh, fw, fc = w.shape
    if out.shape[3] != oc or fc <= 0 or inp.shape[3] % fc or oc % (inp.shape[3] // fc):
        raise TinycError(f"op {op.index} CONV_2D: filter {list(w.shape)} does not fit input "
                         f"{list(inp.shape)} and output {list(out.shape)}")
    mult, shift = channel_multipliers(inp, w, out, oc)
    bias, acc32 = bias64(g, op, 2, oc)
    lo, hi = act_range16(op, out)
    params = ctx.params(op, "tinyc_conv2d_s16_params", {
        "conv": {"input": dims4(inp), "filter": {"n": oc, "h": fh, "w": fw, "c": fc},
                 "output": dims4(out), **spatial(op, inp, out, fh, fw),
                 "input_offset": 0, "output_offset": 0, "act_min": lo, "act_max": hi,
                 "quant": {"multiplier": ctx.const(f"op{op.index}_mult", mult),
                           "shift": ctx.const(f"op{op.index}_shift", shift)}},
        "int32_accumulator": int(acc32)})
    return KernelCall(func="tinyc_conv2d_s16",
                      args=[params, ctx.scratch(op), ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
                            ctx.const(f"op{op.index}_bias", bias.astype(np.int64)),
                            ctx.ptr(op.outputs[0])],
                      headers=["conv2d_s16.h"], sources=["conv2d_s16.c"])
