"""The geometry shared by the reductions (MEAN, SUM, REDUCE_MAX, REDUCE_MIN): the kept and the
reduced dims of the input with their strides, unit dims dropped, as the kernels' odometers
walk them (firmware/kernels/odometer.h)."""
from __future__ import annotations

import math
from dataclasses import dataclass

from tinyc.backends.native.ops.geometry import const_ints, contiguous_strides
from tinyc.errors import TinycError

MAX_DIMS = 6   # TINYC_REDUCE_MAX_DIMS


@dataclass
class ReduceAxes:
    fields: dict      # out_ndim/out_dims/out_stride/red_ndim/red_dims/red_stride
    count: int        # reduced elements per output element


def _squeeze(dims, strides):
    d = [(a, b) for a, b in zip(dims, strides) if a != 1]
    return [a for a, _ in d], [b for _, b in d]


def reduce_axes(ctx, op) -> ReduceAxes:
    g = ctx.graph
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    name = f"op {op.index} {op.opcode}"
    rank = len(inp.shape)
    axes = sorted({a + rank if a < 0 else a for a in const_ints(ctx, op, 1, "the axes")})
    if any(a < 0 or a >= rank for a in axes):
        raise TinycError(f"{name}: axes out of range for rank {rank}")
    kept = [k for k in range(rank) if k not in axes]
    if math.prod(inp.shape[k] for k in kept) != out.elements:
        raise TinycError(f"{name}: output {list(out.shape)} does not match reducing "
                         f"{list(inp.shape)} over {axes}")
    strides = contiguous_strides(inp.shape)
    od, os_ = _squeeze([inp.shape[k] for k in kept], [strides[k] for k in kept])
    rd, rs = _squeeze([inp.shape[k] for k in axes], [strides[k] for k in axes])
    if len(od) > MAX_DIMS or len(rd) > MAX_DIMS:
        raise TinycError(f"{name}: more than {MAX_DIMS} dims")
    count = math.prod(inp.shape[k] for k in axes)
    if count == 0 or out.elements == 0:
        raise TinycError(f"{name}: empty reduction")
    pad = lambda v: v + [0] * (MAX_DIMS - len(v))  # noqa: E731
    return ReduceAxes({"out_ndim": len(od), "out_dims": pad(od), "out_stride": pad(os_),
                       "red_ndim": len(rd), "red_dims": pad(rd), "red_stride": pad(rs)}, count)
