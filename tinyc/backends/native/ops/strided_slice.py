"""STRIDED_SLICE: begin/end/strides and masks resolved at compile time (as TFLM's StartForAxis
and StopForAxis), leaving an affine strided copy."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import (const_ints, contiguous_strides, copy_nd_params,
                                                elem_bytes)
from tinyc.errors import TinycError


def _clamp(v, lo, hi):
    return max(lo, min(hi, v))


def resolve(shape, begin, end, strides, begin_mask, end_mask, shrink_mask):
    """Per axis (start, count, step), as TFLM's strided_slice::StartForAxis/StopForAxis."""
    axes = []
    for k, dim in enumerate(shape):
        step = strides[k]
        if begin_mask & (1 << k):
            start = 0 if step > 0 else dim - 1
        else:
            start = begin[k] + dim if begin[k] < 0 else begin[k]
            start = _clamp(start, 0, dim) if step > 0 else _clamp(start, -1, dim - 1)
        if shrink_mask & (1 << k):
            stop = start + 1
        elif end_mask & (1 << k):
            stop = dim if step > 0 else -1
        else:
            stop = end[k] + dim if end[k] < 0 else end[k]
            stop = _clamp(stop, 0, dim) if step > 0 else _clamp(stop, -1, dim - 1)
        count = max(0, -(-(stop - start) // step)) if step > 0 else max(0, -(-(start - stop) // -step))
        axes.append((start, count, step))
    return axes


@lowering("STRIDED_SLICE")
def lower(ctx, op):
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    o = op.options
    for m in ("ellipsis_mask", "new_axis_mask"):
        if int(o.get(m, 0) or 0):
            raise TinycError(f"op {op.index} STRIDED_SLICE: {m} is not supported (TFLM ignores it)")
    if o.get("offset"):
        raise TinycError(f"op {op.index} STRIDED_SLICE: offset=true is not supported")
    rank = len(inp.shape)
    begin, end = const_ints(ctx, op, 1, "begin"), const_ints(ctx, op, 2, "end")
    strides = const_ints(ctx, op, 3, "strides")
    if not (len(begin) == len(end) == len(strides) == rank) or 0 in strides:
        raise TinycError(f"op {op.index} STRIDED_SLICE: begin/end/strides must have {rank} "
                         f"non-zero entries (got {begin}, {end}, {strides})")
    shrink = int(o.get("shrink_axis_mask", 0) or 0)
    axes = resolve(inp.shape, begin, end, strides, int(o.get("begin_mask", 0) or 0),
                   int(o.get("end_mask", 0) or 0), shrink)
    kept = [(s, n, st, k) for k, (s, n, st) in enumerate(axes) if not shrink & (1 << k)]
    if [n for _, n, _, _ in kept] != list(out.shape):
        raise TinycError(f"op {op.index} STRIDED_SLICE: slicing {list(inp.shape)} gives "
                         f"{[n for _, n, _, _ in kept]}, the model says {list(out.shape)}")
    in_strides = contiguous_strides(inp.shape)
    base = sum(s * in_strides[k] for k, (s, n, _) in enumerate(axes) if n > 0)
    params = ctx.params(op, "tinyc_copy_nd_params", copy_nd_params(
        op, out.shape, [st * in_strides[k] for _, _, st, k in kept],
        contiguous_strides(out.shape), base, 0, elem_bytes(op, inp)))
    if out.elements == 0:
        return KernelCall(func=None)
    return KernelCall(func="tinyc_copy_nd",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["copy_nd.h"], sources=["copy_nd.c"])
