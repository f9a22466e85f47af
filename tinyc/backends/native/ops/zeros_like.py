"""ZEROS_LIKE, as TFLM's zeros_like.cc: the output's bytes all 0 (value 0, not the zero point),
whatever the input holds; tinyc_pad with nothing to copy into the interior."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.errors import TinycError

_EMPTY_COPY = {"ndim": 0, "dims": [0] * 6, "src_stride": [0] * 6, "dst_stride": [0] * 6,
               "src_base": 0, "dst_base": 0, "run_bytes": 0}


@lowering("ZEROS_LIKE")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    if inp.dtype != out.dtype or inp.dtype not in ("int8", "int16", "int32", "float32") or \
            list(inp.shape) != list(out.shape):
        raise TinycError(f"op {op.index} ZEROS_LIKE: input {inp.dtype} {list(inp.shape)} and "
                         f"output {out.dtype} {list(out.shape)} must match")
    params = ctx.params(op, "tinyc_pad_params", {
        "output_bytes": out.nbytes, "elem_bytes": 1, "fill": [0, 0, 0, 0],
        "interior": _EMPTY_COPY})
    return KernelCall(func="tinyc_pad", args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["pad.h"], sources=["pad.c", "copy_nd.c"])
