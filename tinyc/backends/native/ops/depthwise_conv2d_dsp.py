"""DEPTHWISE_CONV_2D on cores with the DSP extension: four channels per 32-bit load,
SMLABB/SMLATT on weights widened and re-laid here at compile time.

Three variants of one kernel file: `dsp_3x3` (depth multiplier 1, 3x3, stride 1 or 2,
padding <= 1, no dilation: the layers of the MobileNet/DS-CNN models, taps unrolled), `dsp`
(depth multiplier 1, any filter up to 64 taps, stride, dilation, padding) and `dsp_mult`
(depth multiplier a multiple of 4, e.g. a first layer on a one-channel image). Depth
multipliers 2, 3, 5, ... stay on the portable kernel."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.access_order import (channel_group_overlap,
                                                 channel_group_overlap_above, runs_backward,
                                                 window_overlap)
from tinyc.backends.native.lower import KernelCall, kernel_variant
from tinyc.backends.native.ops.common import channel_multipliers
from tinyc.backends.native.ops.depthwise_conv2d import DepthwiseNumbers, depthwise_params
from tinyc.backends.native.ops.fully_connected_dsp import rq_pointer
from tinyc.backends.native.ops.geometry import spatial
from tinyc.backends.native.ops.requant_table import r2_table
from tinyc.backends.native.target import KernelChoice

MAX_TAPS = 64                # TINYC_DW_DSP_MAX_TAPS
LANES = (0, 2, 1, 3)
# Instructions per MAC on mps2-an386 (for --optimize balanced), from `verify -n 1 --profile`
# over kws, vww and resnet: 5.09 M / 1.09 M MACs. No shared model runs the generic path; it
# is taken at the 3x3 figure.
IPM_3X3 = IPM_GENERIC = 4.7         # channel c of a group of four lands in int16 lane LANES[c]
# The figure on the op's own shape (KernelChoice.shape_instructions_per_mac), from the patched
# first layers of vww and person_detect (`verify --profile`, one count per call): depth
# multiplier 1 costs IPM_BASE + IPM_PER_CHANNEL / channels (4.77 at 16 channels, 5.19 at 8 with
# the requantization table), and the generic requantization (no table: a right shift under 2)
# IPM_GENERIC_RQ_PER_OUTPUT more per output value (7.28 at 8 channels, 3x3); a depth multiplier
# of 8 on one input channel (person_detect's first layer) ran 6.07.
IPM_BASE, IPM_PER_CHANNEL = 4.35, 6.7
IPM_GENERIC_RQ_PER_OUTPUT = 19.0
IPM_MULT = 6.1


def scratch_bytes(channels: int) -> int:
    """tinyc_depthwise_conv2d_s8_dsp_scratch_size: a zero-point row of ceil4(channels) bytes."""
    return -(-channels // 4) * 4


def grouped_weights(weights: np.ndarray) -> np.ndarray:
    """int8 [fh, fw, c] -> int16 [ceil4(c)/4, fh*fw, 4] in lane order c0,c2,c1,c3 (what SXTB16
    and SXTB16 ROR 8 make of four input bytes), zero-padded channels."""
    fh, fw, c = weights.shape
    padded = np.zeros((fh * fw, scratch_bytes(c)), np.int16)
    padded[:, :c] = weights.reshape(fh * fw, c)
    groups = padded.reshape(fh * fw, -1, 4)[:, :, LANES]
    return np.ascontiguousarray(groups.transpose(1, 0, 2)).reshape(-1)


def _shape(g, op):
    """(filter h, w, input channels, depth multiplier, geometry) when the taps fit, else None."""
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    if len(w.shape) != 4 or len(inp.shape) != 4 or len(out.shape) != 4:
        return None
    _, fh, fw, oc = w.shape
    ic = inp.shape[3]
    if ic <= 0 or oc % ic or out.shape[3] != oc or fh * fw > MAX_TAPS:
        return None
    return fh, fw, ic, oc // ic, spatial(op, inp, out, fh, fw)


def _choice(g, op, func: str, shape, variant: str, per_mac: float) -> KernelChoice:
    """The variant with its access-order contract: with depth multiplier 1 the kernel reads
    and writes four channels at a time (channel_group_overlap), and its backward twin
    (depthwise_conv2d_s8_dsp_backward.c) lets the output start above the input; a multiplied
    one reads one input channel for four outputs, taken pixel by pixel (window_overlap)."""
    fh, fw, ic, dm, geo = shape
    ins, outs = g.tensors[op.inputs[0]].shape, g.tensors[op.outputs[0]].shape
    if dm == 1:
        overlap = channel_group_overlap(ins, outs, fh, fw, geo, len(LANES))
        above = channel_group_overlap_above(ins, outs, fh, fw, geo, len(LANES))
    else:
        overlap, above = window_overlap(ins, outs, fh, fw, geo), None
    return KernelChoice(func, ("depthwise_conv2d_s8_dsp.h",), ("depthwise_conv2d_s8_dsp.c",),
                        scratch_bytes(ic), variant, overlap=overlap, overlap_above=above,
                        instructions_per_mac=per_mac,
                        shape_instructions_per_mac=shape_per_mac(g, op, fh * fw, ic * dm, dm))


def shape_per_mac(g, op, taps: int, channels: int, dm: int) -> float:
    """Instructions per MAC on this op's shape (see IPM_BASE)."""
    if dm != 1:
        return IPM_MULT
    per_mac = IPM_BASE + IPM_PER_CHANNEL / channels
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    _, shift = channel_multipliers(inp, w, out, channels)
    if r2_table(np.ones(len(shift), np.int64), shift) is None:
        per_mac += IPM_GENERIC_RQ_PER_OUTPUT / taps
    return per_mac


def choose_3x3(g, op, target):
    shape = _shape(g, op) if target.has("dsp") else None
    if shape is None:
        return None
    fh, fw, ic, dm, geo = shape
    if (dm != 1 or (fh, fw) != (3, 3) or geo["stride_h"] not in (1, 2)
            or geo["stride_w"] not in (1, 2) or geo["dilation_h"] != 1 or geo["dilation_w"] != 1
            or geo["pad_h"] > 1 or geo["pad_w"] > 1):
        return None
    return _choice(g, op, "tinyc_depthwise_conv2d_s8_dsp_3x3", shape, "dsp_3x3", IPM_3X3)


def choose_generic(g, op, target):
    shape = _shape(g, op) if target.has("dsp") else None
    if shape is None or shape[3] != 1:
        return None
    return _choice(g, op, "tinyc_depthwise_conv2d_s8_dsp", shape, "dsp", IPM_GENERIC)


def choose_multiplied(g, op, target):
    shape = _shape(g, op) if target.has("dsp") else None
    if shape is None or shape[3] % 4:
        return None
    return _choice(g, op, "tinyc_depthwise_conv2d_s8_dsp_mult", shape, "dsp_mult", IPM_GENERIC)


def depthwise_operands(ctx, op, func: str, nums: DepthwiseNumbers):
    """(the flavour of `func` to call, params, grouped filter, folded bias, rq table or NULL)."""
    params = ctx.params(op, "tinyc_depthwise_conv2d_params", depthwise_params(ctx, op, nums))
    rq = r2_table(nums.mult, nums.shift)
    filt = ctx.const(f"op{op.index}_filter_dsp", grouped_weights(nums.weights))
    bias = ctx.const(f"op{op.index}_bias", nums.bias)
    if rq is not None:   # the flavour: the requantization table, SSAT when the range is int8's
        func += "_rq_sat" if (nums.act_min, nums.act_max) == (-128, 127) else "_rq"
    return func, params, filt, bias, "NULL" if rq is None else rq_pointer(ctx, op, rq)


def emit(ctx, op, choice, nums: DepthwiseNumbers):
    producer = {k: j for j, k in getattr(ctx.plan, "fused", {}).items()}.get(op.index)
    if producer is not None:
        from tinyc.backends.native.ops.pointwise_depthwise_dsp import emit_fused
        return emit_fused(ctx, ctx.graph.ops[producer], op, choice, nums)
    if runs_backward(ctx, op, choice):       # (and refuses a plan beyond the contract)
        choice = choice.backward()
    func, params, filt, bias, rq = depthwise_operands(ctx, op, choice.func, nums)
    call = KernelCall.of(choice, [params, ctx.scratch(op), ctx.ptr(op.inputs[0]), filt, bias, rq,
                                  ctx.ptr(op.outputs[0])])
    call.func = func
    return call


kernel_variant("DEPTHWISE_CONV_2D", "dsp_3x3", choose_3x3, priority=20)(emit)
kernel_variant("DEPTHWISE_CONV_2D", "dsp", choose_generic, priority=10)(emit)
kernel_variant("DEPTHWISE_CONV_2D", "dsp_mult", choose_multiplied, priority=10)(emit)
