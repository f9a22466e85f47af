"""DEPTH_TO_SPACE and SPACE_TO_DEPTH (NHWC, one block size), and SLICE: pure rearrangements,
each one strided copy (firmware/kernels/copy_nd.c) described here."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import (const_ints, contiguous_strides, copy_nd_params,
                                                elem_bytes)
from tinyc.errors import TinycError


def _copy(ctx, op, fields):
    params = ctx.params(op, "tinyc_copy_nd_params", fields)
    return KernelCall(func="tinyc_copy_nd",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["copy_nd.h"], sources=["copy_nd.c"])


def _check_same_type(op, inp, out):
    if inp.dtype != out.dtype or inp.dtype not in ("int8", "int16", "int32", "float32"):
        raise TinycError(f"op {op.index} {op.opcode}: {inp.dtype} -> {out.dtype} is not supported")


def _lower_block(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    _check_same_type(op, inp, out)
    b = int(op.options.get("block_size", 0))
    if len(inp.shape) != 4 or b < 1:
        raise TinycError(f"op {op.index} {op.opcode}: needs a 4-D NHWC input and a block size "
                         f">= 1 (got {list(inp.shape)}, {b})")
    n, h, w, c = inp.shape
    s_n, s_h, s_w, _ = contiguous_strides(inp.shape)
    if op.opcode == "DEPTH_TO_SPACE":
        oc = c // (b * b)
        want = [n, h * b, w * b, oc]
        # output order (n, h, i, w, j, c): in[n, h, w, (i * b + j) * oc + c]
        dims, src = [n, h, b, w, b, oc], [s_n, s_h, b * oc, s_w, oc, 1]
    else:
        want = [n, h // b, w // b, c * b * b]
        # output order (n, h, w, i, j, c): in[n, h * b + i, w * b + j, c]
        dims, src = [n, h // b, w // b, b, b, c], [s_n, b * s_h, b * s_w, s_h, c, 1]
    if list(out.shape) != want or (op.opcode == "DEPTH_TO_SPACE" and c % (b * b)) or (
            op.opcode == "SPACE_TO_DEPTH" and (h % b or w % b)):
        raise TinycError(f"op {op.index} {op.opcode}: block {b} does not map {list(inp.shape)} "
                         f"to {list(out.shape)}")
    return _copy(ctx, op, copy_nd_params(op, dims, src, contiguous_strides(dims), 0, 0,
                                         elem_bytes(op, inp)))


@lowering("SLICE")
def lower_slice(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    _check_same_type(op, inp, out)
    rank = len(inp.shape)
    begin, size = const_ints(ctx, op, 1, "begin"), const_ints(ctx, op, 2, "size")
    if len(begin) != rank or len(size) != rank:
        raise TinycError(f"op {op.index} SLICE: begin and size must have {rank} entries")
    size = [d - b if s == -1 else s for d, b, s in zip(inp.shape, begin, size)]
    if any(b < 0 or s < 0 or b + s > d for b, s, d in zip(begin, size, inp.shape)) or \
            size != list(out.shape):
        raise TinycError(f"op {op.index} SLICE: begin {begin} size {size} do not slice "
                         f"{list(inp.shape)} into {list(out.shape)}")
    strides = contiguous_strides(inp.shape)
    return _copy(ctx, op, copy_nd_params(op, size, strides, contiguous_strides(size),
                                         sum(b * s for b, s in zip(begin, strides)), 0,
                                         elem_bytes(op, inp)))


lowering("DEPTH_TO_SPACE")(_lower_block)
lowering("SPACE_TO_DEPTH")(_lower_block)
