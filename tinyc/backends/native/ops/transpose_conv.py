"""TRANSPOSE_CONV int8, per-channel, as TFLM's reference kernel (inputs: output shape, filter
[out_c, h, w, in_c], input, optional bias). Multipliers, shifts, padding (TFLM computes it from
the output size) and the activation range are computed here; the kernel scatters into int32
accumulators in scratch, whose size the planner asks `select` for (the C twin
tinyc_transpose_conv_s8_scratch_size gives the same number)."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import channel_multipliers, zp
from tinyc.backends.native.ops.conv2d import check_int8
from tinyc.backends.native.ops.fused import act_range
from tinyc.backends.native.ops.geometry import dims4, pad_before
from tinyc.backends.native.target import portable
from tinyc.errors import TinycError


def select(graph, op, target):
    out = graph.tensors[op.outputs[0]]
    return portable("tinyc_transpose_conv_s8", "transpose_conv_s8", scratch_bytes=4 * out.elements)


def transpose_geometry(g, op, inp, w, out) -> dict:
    """The shape checks and the dims, strides and padding fields every TRANSPOSE_CONV kernel
    takes (TFLM computes the padding from the output size)."""
    shape_t = g.tensors[op.inputs[0]]
    name = f"op {op.index} TRANSPOSE_CONV"
    oc, fh, fw, ic = w.shape
    # TFLM takes the output tensor's static shape and never reads this input's values (SEANet
    # feeds it as a model input); a constant one must agree
    if shape_t.is_const and [int(v) for v in np.asarray(shape_t.data).reshape(-1)] != list(out.shape):
        raise TinycError(f"{name}: the output shape input must be the constant {list(out.shape)}")
    if ic != inp.shape[3] or oc != out.shape[3] or inp.shape[0] != out.shape[0]:
        raise TinycError(f"{name}: filter {list(w.shape)} does not fit input {list(inp.shape)} "
                         f"and output {list(out.shape)}")
    if len(w.quant.scale) not in (1, oc):
        raise TinycError(f"{name}: the filter needs 1 or {oc} scales")
    o = op.options
    pad = o.get("padding", "SAME")
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    if pad not in ("SAME", "VALID") or min(sh, sw) < 1:
        raise TinycError(f"{name}: padding {pad} with strides {sh}x{sw} is not supported")
    return {"input": dims4(inp), "filter": {"n": oc, "h": fh, "w": fw, "c": ic},
            "output": dims4(out), "stride_h": sh, "stride_w": sw,
            "pad_h": pad_before(pad, out.shape[1], fh, sh),
            "pad_w": pad_before(pad, out.shape[2], fw, sw)}


@lowering("TRANSPOSE_CONV", select=select)
def lower(ctx, op):
    g = ctx.graph
    w, inp, out = g.tensors[op.inputs[1]], g.tensors[op.inputs[2]], g.tensors[op.outputs[0]]
    name = f"op {op.index} TRANSPOSE_CONV"
    check_int8(op, inp, w, out)
    geometry = transpose_geometry(g, op, inp, w, out)
    oc = w.shape[0]
    bias = None
    if len(op.inputs) > 3 and op.inputs[3] >= 0:
        bt = g.tensors[op.inputs[3]]
        if bt.dtype != "int32" or not bt.is_const or bt.elements != oc:
            raise TinycError(f"{name}: the bias must be a constant int32 [{oc}] tensor "
                             f"(got {bt.dtype} {list(bt.shape)})")
        bias = ctx.const(f"op{op.index}_bias", np.asarray(bt.data, np.int32).reshape(-1))
    mult, shift = channel_multipliers(inp, w, out, oc)
    lo, hi = act_range(op, out)
    params = ctx.params(op, "tinyc_transpose_conv_params", {
        **geometry, "input_offset": -zp(inp), "output_offset": zp(out), "act_min": lo,
        "act_max": hi,
        "quant": {"multiplier": ctx.const(f"op{op.index}_mult", mult),
                  "shift": ctx.const(f"op{op.index}_shift", shift)}})
    return KernelCall.of(ctx.choice(op), [params, ctx.scratch(op), ctx.ptr(op.inputs[2]),
                                          ctx.ptr(op.inputs[1]), bias or "NULL",
                                          ctx.ptr(op.outputs[0])])
