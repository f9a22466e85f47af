"""CONV_2D int8: strides, dilation, SAME/VALID, groups, per-channel or per-tensor weights."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinyc.backends.native.lower import KernelCall, kernel_variant, lowering_with_variants
from tinyc.backends.native.access_order import (runs_backward, window_overlap,
                                                 window_overlap_above)
from tinyc.backends.native.target import portable
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


@dataclass
class ConvNumbers:
    """CONV_2D's Prepare, computed once and shared by every kernel variant."""
    weights: np.ndarray      # int8 [oc, fh, fw, fc], the model's layout
    mult: np.ndarray         # int32 per output channel
    shift: np.ndarray
    bias: np.ndarray         # int32: bias + input_offset * sum(taps)
    act_min: int
    act_max: int
    geometry: dict           # stride, dilation, padding (see geometry.spatial)


def prepare(g, op) -> ConvNumbers:
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    check_int8(op, inp, w, out)
    oc, fh, fw, fc = w.shape     # shapes, groups and window: tinyc/frontend/preconditions.py
    weights = np.asarray(w.data, np.int8).reshape(oc, fh, fw, fc)
    mult, shift = channel_multipliers(inp, w, out, oc)
    lo, hi = act_range(op, out)
    bias = folded_bias(g, op, weights.reshape(oc, -1).astype(np.int64).sum(axis=1), inp)
    return ConvNumbers(weights, mult, shift, bias, lo, hi, spatial(op, inp, out, fh, fw))


def conv_params(ctx, op, nums: ConvNumbers, quant: dict | None = None) -> dict:
    """The fields of tinyc_conv2d_params (shared by every variant's params struct); `quant`
    replaces the per-channel arrays for a kernel that reads them from elsewhere."""
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    oc, fh, fw, fc = nums.weights.shape
    return {
        "input": dims4(inp), "filter": {"n": oc, "h": fh, "w": fw, "c": fc},
        "output": dims4(out), **nums.geometry,
        "input_offset": -zp(inp), "output_offset": zp(out),
        "act_min": nums.act_min, "act_max": nums.act_max,
        "quant": quant or {"multiplier": ctx.const(f"op{op.index}_mult", nums.mult),
                           "shift": ctx.const(f"op{op.index}_shift", nums.shift)},
    }


select = lowering_with_variants("CONV_2D", prepare)


def portable_window_kernel(g, op, stem: str):
    """The portable kernel `tinyc_<stem>` of a windowed op (conv, depthwise) with the
    access-order contract of its window walk (int8 only: the contracts count int8 bytes)."""
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    _, fh, fw, _ = w.shape
    if inp.dtype != "int8" or out.dtype != "int8":
        return portable(f"tinyc_{stem}", stem)
    geometry = spatial(op, inp, out, fh, fw)
    return portable(f"tinyc_{stem}", stem,
                    overlap=window_overlap(inp.shape, out.shape, fh, fw, geometry),
                    overlap_above=window_overlap_above(inp.shape, out.shape, fh, fw, geometry))


def choose_portable(g, op, target):
    return portable_window_kernel(g, op, "conv2d_s8")


@kernel_variant("CONV_2D", "portable", choose_portable)
def emit_portable(ctx, op, choice, nums: ConvNumbers):
    if op.index in getattr(ctx.plan, "fused", {}):
        return KernelCall(None)           # runs inside the depthwise op it feeds
    if runs_backward(ctx, op, choice):
        choice = choice.backward()
    params = ctx.params(op, "tinyc_conv2d_params", conv_params(ctx, op, nums))
    return KernelCall.of(choice, [params, ctx.scratch(op), ctx.ptr(op.inputs[0]),
                                  ctx.ptr(op.inputs[1]), ctx.const(f"op{op.index}_bias", nums.bias),
                                  ctx.ptr(op.outputs[0])])
