"""MIRROR_PAD int8, REFLECT or SYMMETRIC, as TFLM's mirror_pad.cc: the input index of every
output index along each axis (GetInputDimension) tabulated here; values copied, not rescaled
(firmware/kernels/mirror_pad_s8.c)."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import const_ints, contiguous_strides
from tinyc.errors import TinycError

MAX_DIMS = 6   # TINYC_MIRROR_PAD_MAX_DIMS


def input_index(padded: int, left: int, size: int, offset: int) -> int:
    """TFLM GetInputDimension (offset 1: REFLECT, 0: SYMMETRIC)."""
    if padded < left:
        original = left + offset - 1
        return original - min(padded, original - offset)
    padded -= left
    if padded >= size:
        padded -= size
        original = size - (1 + offset)
        return original - min(padded, original)
    return padded


@lowering("MIRROR_PAD")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    name = f"op {op.index} MIRROR_PAD"
    if inp.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"{name}: only int8 is supported ({inp.dtype} -> {out.dtype})")
    rank = len(inp.shape)
    pads = const_ints(ctx, op, 1, "paddings")
    if not 1 <= rank <= MAX_DIMS or len(pads) != 2 * rank:
        raise TinycError(f"{name}: paddings must be [{rank}, 2] for at most {MAX_DIMS} dims")
    mode = {0: "REFLECT", 1: "SYMMETRIC"}.get(int(op.options.get("mode", 0)))
    if mode is None:
        raise TinycError(f"{name}: unknown mode {op.options.get('mode')!r}")
    offset = 1 if mode == "REFLECT" else 0
    maps, bases = [], []
    for k, (d, left, right) in enumerate(zip(inp.shape, pads[0::2], pads[1::2])):
        limit = d - offset
        if left < 0 or right < 0 or left > limit or right > limit or d + left + right != out.shape[k]:
            raise TinycError(f"{name}: paddings {pads} do not mirror {list(inp.shape)} into "
                             f"{list(out.shape)} ({mode})")
        bases.append(sum(len(m) for m in maps))
        maps.append([input_index(i, left, d, offset) for i in range(out.shape[k])])
    pad = lambda v: list(v) + [0] * (MAX_DIMS - len(v))  # noqa: E731
    params = ctx.params(op, "tinyc_mirror_pad_params", {
        "ndim": rank, "out_dims": pad(out.shape), "in_stride": pad(contiguous_strides(inp.shape)),
        "map_base": pad(bases),
        "map": ctx.const(f"op{op.index}_map", np.array(sum(maps, []), np.int32))})
    return KernelCall(func="tinyc_mirror_pad_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["mirror_pad_s8.h"], sources=["mirror_pad_s8.c"])
