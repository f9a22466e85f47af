"""DEPTHWISE_CONV_2D int8: any depth multiplier, strides, dilation, SAME/VALID, per-channel."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinyc.backends.native.access_order import runs_backward
from tinyc.backends.native.lower import KernelCall, kernel_variant, lowering_with_variants
from tinyc.backends.native.ops.common import channel_multipliers, zp
from tinyc.backends.native.ops.conv2d import check_int8, folded_bias, portable_window_kernel
from tinyc.backends.native.ops.fused import act_range
from tinyc.backends.native.ops.geometry import dims4, spatial


@dataclass
class DepthwiseNumbers:
    """DEPTHWISE_CONV_2D's Prepare, shared by every kernel variant."""
    weights: np.ndarray      # int8 [fh, fw, oc], the model's layout
    depth_multiplier: int
    mult: np.ndarray
    shift: np.ndarray
    bias: np.ndarray         # int32: bias + input_offset * sum(taps)
    act_min: int
    act_max: int
    geometry: dict


def prepare(g, op) -> DepthwiseNumbers:
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    check_int8(op, inp, w, out)
    _, fh, fw, oc = w.shape      # shapes and window: tinyc/frontend/preconditions.py
    dm = oc // inp.shape[3]
    weights = np.asarray(w.data, np.int8).reshape(fh, fw, oc)
    mult, shift = channel_multipliers(inp, w, out, oc)
    lo, hi = act_range(op, out)
    bias = folded_bias(g, op, weights.reshape(-1, oc).astype(np.int64).sum(axis=0), inp)
    return DepthwiseNumbers(weights, dm, mult, shift, bias, lo, hi,
                            spatial(op, inp, out, fh, fw))


def depthwise_params(ctx, op, nums: DepthwiseNumbers) -> dict:
    """The fields of tinyc_depthwise_conv2d_params."""
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    fh, fw, oc = nums.weights.shape
    return {
        "input": dims4(inp), "filter": {"n": 1, "h": fh, "w": fw, "c": oc},
        "output": dims4(out), "depth_multiplier": nums.depth_multiplier, **nums.geometry,
        "input_offset": -zp(inp), "output_offset": zp(out),
        "act_min": nums.act_min, "act_max": nums.act_max,
        "quant": {"multiplier": ctx.const(f"op{op.index}_mult", nums.mult),
                  "shift": ctx.const(f"op{op.index}_shift", nums.shift)},
    }


select = lowering_with_variants("DEPTHWISE_CONV_2D", prepare)


def choose_portable(g, op, target):
    return portable_window_kernel(g, op, "depthwise_conv2d_s8")


@kernel_variant("DEPTHWISE_CONV_2D", "portable", choose_portable)
def emit_portable(ctx, op, choice, nums: DepthwiseNumbers):
    producer = {k: j for j, k in getattr(ctx.plan, "fused", {}).items()}.get(op.index)
    if producer is not None:
        return emit_fused(ctx, ctx.graph.ops[producer], op, nums)
    if runs_backward(ctx, op, choice):
        choice = choice.backward()
    params = ctx.params(op, "tinyc_depthwise_conv2d_params", depthwise_params(ctx, op, nums))
    return KernelCall.of(choice, [params, ctx.scratch(op), ctx.ptr(op.inputs[0]),
                                  ctx.ptr(op.inputs[1]), ctx.const(f"op{op.index}_bias", nums.bias),
                                  ctx.ptr(op.outputs[0])])


def emit_fused(ctx, pw, dw, nums: DepthwiseNumbers):
    """The 1x1 conv `pw` and this depthwise op as one row-streamed call (fusion.py)."""
    from tinyc.backends.native.fusion import RING_KERNEL, ring_bytes
    from tinyc.backends.native.ops import conv2d
    reserved = (ctx.plan.scratch(dw.index) or (0, 0))[1]
    if reserved < ring_bytes(ctx.graph, dw):
        raise AssertionError(f"op {dw.index} {dw.opcode}: the plan reserved {reserved} B for "
                             f"the ring of op {pw.index}'s rows, it needs "
                             f"{ring_bytes(ctx.graph, dw)} B")
    pw_nums = conv2d.prepare(ctx.graph, pw)
    pw_params = ctx.params(pw, "tinyc_conv2d_params", conv2d.conv_params(ctx, pw, pw_nums))
    params = ctx.params(dw, "tinyc_depthwise_conv2d_params", depthwise_params(ctx, dw, nums))
    return KernelCall("tinyc_pointwise_depthwise_s8", [
        pw_params, ctx.ptr(pw.inputs[1]), ctx.const(f"op{pw.index}_bias", pw_nums.bias),
        params, ctx.ptr(dw.inputs[1]), ctx.const(f"op{dw.index}_bias", nums.bias),
        ctx.scratch(dw), ctx.ptr(pw.inputs[0]), ctx.ptr(dw.outputs[0])],
        list(RING_KERNEL), ["pointwise_depthwise_s8.c"], "pointwise-depthwise")
