"""TRANSPOSE: a strided copy, with the permutation folded into strides at compile time."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import (const_ints, contiguous_strides, copy_nd_params,
                                                elem_bytes)
from tinyc.errors import TinycError


@lowering("TRANSPOSE")
def lower(ctx, op):
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    perm = const_ints(ctx, op, 1, "the permutation")
    rank = len(inp.shape)
    perm = [p + rank if p < 0 else p for p in perm]
    if sorted(perm) != list(range(rank)) or tuple(out.shape) != tuple(inp.shape[p] for p in perm):
        raise TinycError(f"op {op.index} TRANSPOSE: permutation {perm} does not map "
                         f"{list(inp.shape)} to {list(out.shape)}")
    if inp.dtype != out.dtype:
        raise TinycError(f"op {op.index} TRANSPOSE: input {inp.dtype} and output {out.dtype} differ")
    in_strides = contiguous_strides(inp.shape)
    params = ctx.params(op, "tinyc_copy_nd_params", copy_nd_params(
        op, out.shape, [in_strides[p] for p in perm], contiguous_strides(out.shape), 0, 0,
        elem_bytes(op, inp)))
    return KernelCall(func="tinyc_copy_nd",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["copy_nd.h"], sources=["copy_nd.c"])
