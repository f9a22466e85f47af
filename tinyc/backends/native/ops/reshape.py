"""RESHAPE (and the other pure views): no code when the planner gave input and output the
same bytes, else one contiguous copy."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import copy_nd_params, elem_bytes
from tinyc.errors import TinycError


def lower_view(ctx, op):
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    if inp.nbytes != out.nbytes or inp.dtype != out.dtype:
        raise TinycError(f"op {op.index} {op.opcode}: input {list(inp.shape)} {inp.dtype} and "
                         f"output {list(out.shape)} {out.dtype} differ in size or type")
    if not inp.is_const and ctx.plan.offset(inp.id) == ctx.plan.offset(out.id):
        return KernelCall(func=None)
    n = elem_bytes(op, inp)
    params = ctx.params(op, "tinyc_copy_nd_params",
                        copy_nd_params(op, [inp.elements], [1], [1], 0, 0, n))
    return KernelCall(func="tinyc_copy_nd",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["copy_nd.h"], sources=["copy_nd.c"])


for _opcode in ("RESHAPE", "SQUEEZE", "EXPAND_DIMS"):
    lowering(_opcode)(lower_view)
