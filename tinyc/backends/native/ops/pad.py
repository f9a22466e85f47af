"""PAD and PADV2: fill with the pad value (the output zero point, or PADV2's constant), then a
strided copy of the input into the interior."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from tinyc.backends.native.access_order import copy_overlap_above, runs_backward
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.target import KernelChoice
from tinyc.backends.native.ops.common import zp
from tinyc.backends.native.ops.geometry import (const_ints, contiguous_strides, copy_nd_params,
                                                elem_bytes)
from tinyc.dtypes import np_dtype
from tinyc.errors import TinycError

_NP = {n: np_dtype(n) for n in ("int8", "int16", "int32", "float32")}   # what pad.c copies


def _prepare(g, op):
    """(element bytes, fill bytes, interior copy params): PAD's compile-time numbers."""
    ctx = SimpleNamespace(graph=g)
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    if inp.dtype != out.dtype or inp.dtype not in _NP:
        raise TinycError(f"op {op.index} {op.opcode}: {inp.dtype} -> {out.dtype} is not supported")
    rank = len(inp.shape)
    pads = const_ints(ctx, op, 1, "paddings")
    if len(pads) != 2 * rank:
        raise TinycError(f"op {op.index} {op.opcode}: paddings must be [{rank}, 2]")
    before, after = pads[0::2], pads[1::2]
    if min(pads) < 0 or [d + b + a for d, b, a in zip(inp.shape, before, after)] != list(out.shape):
        raise TinycError(f"op {op.index} {op.opcode}: paddings {pads} do not map "
                         f"{list(inp.shape)} to {list(out.shape)}")
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        cv = g.tensors[op.inputs[2]]
        if not cv.is_const or cv.dtype != inp.dtype or cv.elements != 1:
            raise TinycError(f"op {op.index} {op.opcode}: the constant value must be one constant "
                             f"{inp.dtype}")
        value = np.asarray(cv.data, _NP[inp.dtype]).reshape(-1)
    else:
        value = np.asarray([zp(out) if inp.dtype == "int8" else 0], _NP[inp.dtype])
    n = elem_bytes(op, inp)
    fill = list(value.tobytes()) + [0] * (4 - n)
    out_strides = contiguous_strides(out.shape)
    interior = copy_nd_params(op, inp.shape, contiguous_strides(inp.shape), out_strides, 0,
                              sum(b * s for b, s in zip(before, out_strides)), n)
    return n, fill, interior


def select(g, op, target) -> KernelChoice:
    """tinyc_pad (fill, then copy), whose backward twin may write over its own input."""
    _, _, interior = _prepare(g, op)
    return KernelChoice("tinyc_pad", ("pad.h",), ("pad.c", "copy_nd.c"),
                        overlap_above=copy_overlap_above(interior))


def _lower(ctx, op):
    n, fill, interior = _prepare(ctx.graph, op)
    params = ctx.params(op, "tinyc_pad_params", {
        "output_bytes": ctx.graph.tensors[op.outputs[0]].nbytes, "elem_bytes": n,
        "fill": fill, "interior": interior})
    choice = ctx.choice(op)
    if runs_backward(ctx, op, choice):
        choice = choice.backward()
    return KernelCall.of(choice, [params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])])


lowering("PAD", select=select)(_lower)
lowering("PADV2", select=select)(_lower)
