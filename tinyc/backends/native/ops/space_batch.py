"""SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND, as TFLM's reference kernels: 3-D (NHC, seen as
NH1C) or 4-D NHWC int8 inputs, constant block shape and paddings/crops
(firmware/kernels/space_batch.c). SPACE_TO_BATCH pads with byte 0, not the zero point: the
wheel's TFLM leaves SpaceToBatchParams.output_offset at 0 (tests/test_kernels_more_ops.py
pins this on models whose zero point is far from 0)."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import const_ints, elem_bytes
from tinyc.errors import TinycError


def _nhwc(shape) -> list[int]:
    return list(shape) if len(shape) == 4 else [shape[0], shape[1], 1, shape[2]]


@lowering("SPACE_TO_BATCH_ND")
@lowering("BATCH_TO_SPACE_ND")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    name = f"op {op.index} {op.opcode}"
    to_batch = op.opcode == "SPACE_TO_BATCH_ND"
    if inp.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"{name}: {inp.dtype} -> {out.dtype} is not supported (int8, as TFLM)")
    if len(inp.shape) not in (3, 4) or len(out.shape) != len(inp.shape):
        raise TinycError(f"{name}: TFLM takes 3-D or 4-D tensors (got {list(inp.shape)} -> "
                         f"{list(out.shape)})")
    spatial = len(inp.shape) - 2
    block = const_ints(ctx, op, 1, "the block shape")
    offs = const_ints(ctx, op, 2, "the paddings" if to_batch else "the crops")
    if len(block) != spatial or len(offs) != 2 * spatial or min(block) < 1 or min(offs) < 0:
        raise TinycError(f"{name}: block shape {block} and {'paddings' if to_batch else 'crops'} "
                         f"{offs} must be [{spatial}] positive and [{spatial}, 2] non-negative")
    block = block + [1] * (2 - spatial)
    offs = offs + [0] * (4 - len(offs))
    space, batch = (_nhwc(inp.shape), _nhwc(out.shape)) if to_batch else \
        (_nhwc(out.shape), _nhwc(inp.shape))
    bh, bw = block
    if to_batch:
        padded = [space[1] + offs[0] + offs[1], space[2] + offs[2] + offs[3]]
        ok = padded[0] % bh == 0 and padded[1] % bw == 0 and batch == [
            space[0] * bh * bw, padded[0] // bh, padded[1] // bw, space[3]]
    else:
        ok = batch[0] % (bh * bw) == 0 and space == [
            batch[0] // (bh * bw), batch[1] * bh - offs[0] - offs[1],
            batch[2] * bw - offs[2] - offs[3], batch[3]]
    if not ok:
        raise TinycError(f"{name}: block shape {block[:spatial]} and offsets {offs[:2 * spatial]} "
                         f"do not map {list(inp.shape)} to {list(out.shape)}")
    params = ctx.params(op, "tinyc_space_batch_params", {
        "to_batch": int(to_batch), "block_h": bh, "block_w": bw,
        "off_h": offs[0], "off_w": offs[2], "space_n": space[0], "space_h": space[1],
        "space_w": space[2], "batch_h": batch[1], "batch_w": batch[2],
        "depth_bytes": space[3] * elem_bytes(op, inp), "fill": 0})
    return KernelCall(func="tinyc_space_batch",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["space_batch.h"], sources=["space_batch.c"])
