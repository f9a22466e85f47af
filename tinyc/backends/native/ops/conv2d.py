"""CONV_2D int8: strides, dilation, SAME/VALID, groups, per-channel or per-tensor weights."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import channel_multipliers, zp
from tinyc.backends.native.ops.fused import act_range
from tinyc.backends.native.ops.geometry import dims4, spatial
from tinyc.errors import TinycError


def check_int8(op, inp, w, out):
    if inp.dtype != "int8" or w.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"op {op.index} {op.opcode}: only int8 input/filter/output are "
                         f"supported (got {inp.dtype}/{w.dtype}/{out.dtype})")
    if not w.is_const:
        raise TinycError(f"op {op.index} {op.opcode}: the filter must be constant")
    if w.quant is None or inp.quant is None or out.quant is None:
        raise TinycError(f"op {op.index} {op.opcode}: input, filter and output must be quantized")
    if any(int(z) != 0 for z in w.quant.zero_point):
        raise TinycError(f"op {op.index} {op.opcode}: filter zero points must be 0")


def folded_bias(g, op, w_sums: np.ndarray, inp) -> np.ndarray:
    """bias + input_offset * sum(filter taps), in int64 then checked into int32."""
    n = len(w_sums)
    bias = None
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bt = g.tensors[op.inputs[2]]
        if bt.dtype != "int32" or not bt.is_const:
            raise TinycError(f"op {op.index} {op.opcode}: bias must be a constant int32 tensor "
                             f"(got {bt.dtype})")
        bias = np.asarray(bt.data, np.int64).reshape(-1)
    b = np.zeros(n, np.int64) if bias is None else bias
    folded = b + (-zp(inp)) * w_sums.astype(np.int64)
    if folded.min(initial=0) < -(1 << 31) or folded.max(initial=0) >= (1 << 31):
        raise TinycError(f"op {op.index} {op.opcode}: folded bias does not fit in int32")
    return folded.astype(np.int32)


def conv2d_scratch_bytes(g, op) -> int:
    """Twin of tinyc_conv2d_s8_scratch_size: the portable kernel needs none."""
    return 0


@lowering("CONV_2D", scratch_bytes=conv2d_scratch_bytes)
def lower(ctx, op):
    g = ctx.graph
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    check_int8(op, inp, w, out)
    oc, fh, fw, fc = w.shape     # shapes, groups and window: tinyc/frontend/preconditions.py
    weights = np.asarray(w.data, np.int64).reshape(oc, -1)
    mult, shift = channel_multipliers(inp, w, out, oc)
    lo, hi = act_range(op, out)
    params = ctx.params(op, "tinyc_conv2d_params", {
        "input": dims4(inp), "filter": {"n": oc, "h": fh, "w": fw, "c": fc},
        "output": dims4(out), **spatial(op, inp, out, fh, fw),
        "input_offset": -zp(inp), "output_offset": zp(out), "act_min": lo, "act_max": hi,
        "quant": {"multiplier": ctx.const(f"op{op.index}_mult", mult),
                  "shift": ctx.const(f"op{op.index}_shift", shift)},
    })
    bias = folded_bias(g, op, weights.sum(axis=1), inp)
    return KernelCall(
        func="tinyc_conv2d_s8",
        args=[params, ctx.scratch(op), ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
              ctx.const(f"op{op.index}_bias", bias), ctx.ptr(op.outputs[0])],
        headers=["conv2d_s8.h"], sources=["conv2d_s8.c"])
