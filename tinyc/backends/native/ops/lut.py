"""Shared lowering of int8 -> int8 unary ops as a 256-entry table (firmware/kernels/lut_s8.c).

Each op module computes `table[x + 128]` for every int8 x with TFLM's integer arithmetic
re-implemented in Python (tinyc/backends/native/fixedpoint.py); the kernel only looks up.
"""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.errors import TinycError

INT8_INPUTS = range(-128, 128)


def f32(x) -> float:
    """A value rounded to float32, as a Python float (C++ `float` arithmetic)."""
    return float(np.float32(x))


def check_int8_unary(op, inp, out) -> None:
    if inp.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"op {op.index} {op.opcode}: only int8 -> int8 is supported "
                         f"(got {inp.dtype} -> {out.dtype})")
    for t in (inp, out):
        if t.quant is None or len(t.quant.scale) != 1:
            raise TinycError(f"op {op.index} {op.opcode}: tensor '{t.name}' needs per-tensor "
                             "quantization")


def make_table(fn) -> np.ndarray:
    """fn(x) -> int for every int8 x, as the int8 table the kernel indexes by x + 128."""
    vals = [int(fn(x)) for x in INT8_INPUTS]
    if min(vals) < -128 or max(vals) > 127:
        raise AssertionError("lookup table value outside int8")
    return np.array(vals, np.int8)


def lut_call(ctx, op, table: np.ndarray, ctype: str | None = None) -> KernelCall:
    """`ctype="int8_t"` passes uint8 tensors as the bytes the table maps."""
    out = ctx.tensor(op.outputs[0])
    lut = ctx.const(f"op{op.index}_lut", table, key=("lut", table.tobytes()))
    params = ctx.params(op, "tinyc_lut_params", {"size": out.elements, "table": lut})
    return KernelCall(func="tinyc_lut_s8",
                      args=[params, ctx.ptr(op.inputs[0], ctype), ctx.ptr(op.outputs[0], ctype)],
                      headers=["lut_s8.h"], sources=["lut_s8.c"])


def inplace_int8(graph, op) -> bool:
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    return (not x.is_const and x.dtype == y.dtype == "int8" and x.nbytes == y.nbytes)


def unary_lut(opcode: str, table_fn) -> None:
    """Register `opcode` as an int8 -> int8 table lookup; table_fn(inp, out, op) -> table."""
    @lowering(opcode, inplace=inplace_int8)
    def lower(ctx, op):
        inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
        check_int8_unary(op, inp, out)
        return lut_call(ctx, op, table_fn(inp, out, op))
