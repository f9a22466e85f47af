"""CAST, as TFLM's cast.cc: int8, int16, int32 and float32 to each other (the pairs the wheel
runs; uint8 on either side it refuses), element by element (firmware/kernels/cast.c).
The integer tensors around a CAST carry no quantization: it converts values, not scales."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.errors import TinycError

CAST_TYPES = {"int8": 0, "int16": 1, "int32": 2, "float32": 3}   # tinyc_cast_type


@lowering("CAST")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    if inp.dtype not in CAST_TYPES or out.dtype not in CAST_TYPES:
        raise TinycError(f"op {op.index} CAST: {inp.dtype} -> {out.dtype} is not supported "
                         f"(TFLM casts between {', '.join(CAST_TYPES)})")
    if inp.elements != out.elements:
        raise TinycError(f"op {op.index} CAST: input {list(inp.shape)} and output "
                         f"{list(out.shape)} differ in size")
    params = ctx.params(op, "tinyc_cast_params", {
        "size": out.elements, "from": CAST_TYPES[inp.dtype], "to": CAST_TYPES[out.dtype]})
    return KernelCall(func="tinyc_cast", args=[params, ctx.ptr(op.inputs[0]),
                                               ctx.ptr(op.outputs[0])],
                      headers=["cast.h"], sources=["cast.c"])
