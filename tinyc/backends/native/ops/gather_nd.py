"""GATHER_ND (int8 params, int32 indices), as TFLM's gather_nd.cc: at most 5 indices per row,
each row's slice start and the params' flat size, the bound TFLM checks, resolved here
(firmware/kernels/gather_nd.c). Constant indices are checked at compile time; run-time ones by
the kernel."""
from __future__ import annotations

import math

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import contiguous_strides, elem_bytes
from tinyc.errors import TinycError

MAX_ND = 5   # TFLM gather_nd.cc MAX_INDICES_ND


@lowering("GATHER_ND")
def lower(ctx, op):
    params, idx, out = (ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1]),
                        ctx.tensor(op.outputs[0]))
    name = f"op {op.index} GATHER_ND"
    if params.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"{name}: {params.dtype} -> {out.dtype} is not supported (int8, as TFLM)")
    if idx.dtype != "int32":
        raise TinycError(f"{name}: indices must be int32, as TFLM requires (got {idx.dtype})")
    if len(params.shape) < 1 or len(idx.shape) < 1:
        raise TinycError(f"{name}: params and indices must be at least vectors, as TFLM requires")
    nd = idx.shape[-1]
    if not 1 <= nd <= min(MAX_ND, len(params.shape)):
        raise TinycError(f"{name}: {nd} indices per row; TFLM takes 1 to "
                         f"{min(MAX_ND, len(params.shape))} for params {list(params.shape)}")
    want = list(idx.shape[:-1]) + list(params.shape[nd:])
    if list(out.shape) != want:
        raise TinycError(f"{name}: output {list(out.shape)} should be {want}")
    strides = contiguous_strides(params.shape)[:nd]
    slice_elems = math.prod(params.shape[nd:])
    if idx.is_const:
        rows = np.asarray(idx.data, np.int64).reshape(-1, nd)
        starts = rows @ np.asarray(strides, np.int64)
        if starts.size and (starts.min() < 0 or starts.max() + slice_elems > params.elements):
            raise TinycError(f"{name}: indices {rows.tolist()} reach outside params "
                             f"{list(params.shape)}")
    p = ctx.params(op, "tinyc_gather_nd_params", {
        "n_slices": math.prod(idx.shape[:-1]), "nd": nd,
        "stride": strides + [0] * (MAX_ND - nd), "slice_elems": slice_elems,
        "params_elems": params.elements, "elem_bytes": elem_bytes(op, params)})
    return KernelCall(func="tinyc_gather_nd", args=[p, ctx.ptr(op.inputs[0]),
                                                    ctx.ptr(op.inputs[1]), ctx.ptr(op.outputs[0])],
                      headers=["gather_nd.h"], sources=["gather_nd.c"])
