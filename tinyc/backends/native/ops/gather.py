"""GATHER (int8 or float32 input, int32 positions), as TFLM's gather.cc, with axis and
batch_dims resolved here (firmware/kernels/gather.c). Constant positions are checked against
the axis at compile time; run-time ones by the kernel."""
from __future__ import annotations

import math

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import elem_bytes
from tinyc.errors import TinycError


@lowering("GATHER")
def lower(ctx, op):
    inp, pos, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1]), ctx.tensor(op.outputs[0])
    name = f"op {op.index} GATHER"
    if inp.dtype not in ("int8", "float32") or out.dtype != inp.dtype:
        raise TinycError(f"{name}: {inp.dtype} -> {out.dtype} is not supported (int8 or float32, "
                         "as TFLM)")
    if pos.dtype != "int32":
        raise TinycError(f"{name}: positions must be int32, as TFLM requires (got {pos.dtype})")
    rank, prank = len(inp.shape), len(pos.shape)
    axis = int(op.options.get("axis", 0))
    axis = axis + rank if axis < 0 else axis
    bd = int(op.options.get("batch_dims", 0))
    bd = bd + prank if bd < 0 else bd
    if not (0 <= bd <= axis < rank and bd <= prank) or list(inp.shape[:bd]) != list(pos.shape[:bd]):
        raise TinycError(f"{name}: axis {axis} and batch_dims {bd} do not fit input "
                         f"{list(inp.shape)} and positions {list(pos.shape)}")
    want = list(inp.shape[:axis]) + list(pos.shape[bd:]) + list(inp.shape[axis + 1:])
    if list(out.shape) != want:
        raise TinycError(f"{name}: output {list(out.shape)} should be {want}")
    if pos.is_const:
        p = np.asarray(pos.data).reshape(-1)
        if p.size and (p.min() < 0 or p.max() >= inp.shape[axis]):
            raise TinycError(f"{name}: positions {p.tolist()} are outside axis {axis} of size "
                             f"{inp.shape[axis]}")
    params = ctx.params(op, "tinyc_gather_params", {
        "batch": math.prod(inp.shape[:bd]), "outer": math.prod(inp.shape[bd:axis]),
        "axis_size": inp.shape[axis], "coord_size": math.prod(pos.shape[bd:]),
        "inner_bytes": math.prod(inp.shape[axis + 1:]) * elem_bytes(op, inp)})
    return KernelCall(func="tinyc_gather", args=[params, ctx.ptr(op.inputs[0]),
                                                 ctx.ptr(op.inputs[1]), ctx.ptr(op.outputs[0])],
                      headers=["gather.h"], sources=["gather.c"])
