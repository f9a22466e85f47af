"""SVDF int8 as TFLM's reference integer SVDF (svdf_common.cc), with an int8 state and time
weights or an int16 state and time weights (firmware/kernels/svdf_s8.c). The shape and type
rules TFLM's PrepareSvdf checks are in tinyc/frontend/preconditions.py.

The two effective scales are computed as PrepareSvdf does: in float (single precision), then
widened to double for QuantizeMultiplier."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import f32
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.backends.native.target import portable
from tinyc.errors import TinycError

_KERNEL = {"int8": "tinyc_svdf_s8", "int16": "tinyc_svdf_state_s16_s8"}


def select(graph, op, target):
    state = graph.tensors[op.inputs[4]]
    return portable(_KERNEL.get(state.dtype, "tinyc_svdf_s8"), "svdf_s8")


@lowering("SVDF", select=select)
def lower(ctx, op):
    inp, wf, wt, bias, state = (ctx.tensor(t) for t in op.inputs)
    out = ctx.tensor(op.outputs[0])
    if inp.dtype != "int8" or any(t.quant is None for t in (inp, wf, wt, state, out)):
        raise TinycError(f"op {op.index} SVDF: only the quantized int8 SVDF is supported "
                         f"(input is {inp.dtype}); a float SVDF needs --backend tflm")
    if not wf.is_const:
        raise TinycError(f"op {op.index} SVDF: weights_feature '{wf.name}' must be constant "
                         "(the native backend folds the input offset into it); try --backend "
                         "tflm")
    rank = int(op.options["rank"])
    filters, memory = wt.shape
    weights = np.asarray(wf.data, np.int8).reshape(filters, -1)
    # TFLM sums w * (x - input zero point) in int32; the zero point's part, modulo 2^32 alike
    feature_bias = (-zp(inp) * weights.astype(np.int64).sum(axis=1)).astype(np.int32)
    params = ctx.params(op, "tinyc_svdf_params", {
        "batches": inp.shape[0], "input_size": inp.shape[1], "units": filters // rank,
        "rank": rank, "memory": memory, "weights_feature": ctx.ptr(op.inputs[1]),
        "feature_bias": ctx.const(f"op{op.index}_feature_bias", feature_bias),
        "state_zero_point": zp(state), "output_offset": zp(out),
        **_multiplier("feature", f32(f32(scale(inp) * scale(wf)) / scale(state))),
        **_multiplier("output", f32(f32(scale(state) * scale(wt)) / scale(out))),
    })
    return KernelCall.of(ctx.choice(op), [
        params, ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[2]), ctx.ptr(op.inputs[3]),
        ctx.ptr(op.inputs[4]), ctx.ptr(op.outputs[0])])


def _multiplier(name: str, effective_scale: float) -> dict:
    mult, shift = quantize_multiplier(effective_scale)
    return {f"{name}_multiplier": mult, f"{name}_shift": shift}
