"""Compile-time broadcasting for the binary elementwise kernels (firmware/kernels/broadcast.h):
output shape and per-input element strides (0 where an input is broadcast), at most 6 dims,
with adjacent dimensions merged when both inputs walk them contiguously."""
from __future__ import annotations

from tinyc.errors import TinycError

MAX_DIMS = 6


def _strides(shape):
    s, out = 1, []
    for d in reversed(shape):
        out.append(s)
        s *= d
    return list(reversed(out))


def broadcast_params(op, shape1, shape2, out_shape) -> tuple[int, dict]:
    """(broadcast flag, tinyc_broadcast fields). Flag 0: same shapes, a flat loop does."""
    n = max(len(shape1), len(shape2), len(out_shape))
    if n > MAX_DIMS:
        raise TinycError(f"op {op.index} {op.opcode}: {n}-D broadcasting is not supported "
                         f"(at most {MAX_DIMS} dimensions)")
    a = [1] * (n - len(shape1)) + list(shape1)
    b = [1] * (n - len(shape2)) + list(shape2)
    o = [1] * (n - len(out_shape)) + list(out_shape)
    for x, y, z in zip(a, b, o):
        if x not in (1, z) or y not in (1, z):
            raise TinycError(f"op {op.index} {op.opcode}: shapes {list(shape1)} and "
                             f"{list(shape2)} do not broadcast to {list(out_shape)}")
    flat = {"dims": [1] * MAX_DIMS, "stride1": [0] * MAX_DIMS, "stride2": [0] * MAX_DIMS}
    if a == b:
        return 0, flat
    sa, sb = _strides(a), _strides(b)
    dims = [(z, 0 if x == 1 else s1, 0 if y == 1 else s2)
            for x, y, z, s1, s2 in zip(a, b, o, sa, sb) if z != 1]
    merged: list[tuple[int, int, int]] = []
    for d, s1, s2 in dims:
        if merged:
            pd, ps1, ps2 = merged[-1]
            if ps1 == s1 * d and ps2 == s2 * d:
                merged[-1] = (pd * d, s1, s2)
                continue
        merged.append((d, s1, s2))
    merged = [(1, 0, 0)] * (MAX_DIMS - len(merged)) + merged
    return 1, {"dims": [m[0] for m in merged], "stride1": [m[1] for m in merged],
               "stride2": [m[2] for m in merged]}


def inplace_binary(graph, op) -> bool:
    """Output over input 1 is safe when input 1 has the output's shape (elementwise order)."""
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    return (not x.is_const and x.dtype == y.dtype == "int8" and x.elements == y.elements)
