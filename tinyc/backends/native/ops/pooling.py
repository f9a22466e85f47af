"""AVERAGE_POOL_2D and MAX_POOL_2D int8. Like TFLM, no requantization: the output bytes are
those of the input's scale and zero point."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.fused import act_range
from tinyc.backends.native.ops.geometry import dims4, spatial
from tinyc.errors import TinycError


def _lower(ctx, op, func):
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    if inp.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"op {op.index} {op.opcode}: only int8 is supported "
                         f"(got {inp.dtype} -> {out.dtype})")
    fh, fw = int(op.options.get("filter_height", 1)), int(op.options.get("filter_width", 1))
    lo, hi = act_range(op, out)
    params = ctx.params(op, "tinyc_pool2d_params", {
        "input": dims4(inp), "output": dims4(out), "filter_h": fh, "filter_w": fw,
        **spatial(op, inp, out, fh, fw, dilated=False), "act_min": lo, "act_max": hi,
    })
    return KernelCall(func=func, args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["pooling_s8.h"], sources=["pooling_s8.c"])


@lowering("AVERAGE_POOL_2D")
def lower_avg(ctx, op):
    return _lower(ctx, op, "tinyc_avg_pool2d_s8")


@lowering("MAX_POOL_2D")
def lower_max(ctx, op):
    return _lower(ctx, op, "tinyc_max_pool2d_s8")
