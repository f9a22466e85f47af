"""RESIZE_NEAREST_NEIGHBOR (int8, int16) and RESIZE_BILINEAR (int8), as TFLM's reference
kernels. Every source row and column, and the bilinear 10-bit weights, are computed here:
the nearest-neighbour indices in float32 exactly as GetNearestNeighbor does, the bilinear
ones in TFLM's integer form (ResizeBilinearInteger, which the int8 kernel runs). Neither
requantizes: TFLM copies (or interpolates) the input's values into the output as they are."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.geometry import dims4, elem_bytes
from tinyc.errors import TinycError

_F = np.float32


def nearest_index(out_pos: int, in_size: int, out_size: int, align: bool, half: bool) -> int:
    """TFLM GetNearestNeighbor, in float32 arithmetic."""
    if align and out_size > 1:
        scale = _F(in_size - 1) / _F(out_size - 1)
    else:
        scale = _F(in_size) / _F(out_size)
    v = (_F(out_pos) + _F(0.5 if half else 0.0)) * scale
    # v >= 0. TfLiteRound rounds half away from zero: not np.round (half to even), nor
    # floor(v + 0.5), which float32 can round up (0.49999997 + 0.5 == 1.0)
    floor = np.floor(v)
    idx = int(floor) + int(align and v - floor >= _F(0.5))
    idx = min(idx, in_size - 1)
    return max(0, idx) if half else idx


def _cdiv(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def bilinear_axis(in_size: int, out_size: int, align: bool, half: bool):
    """Per output position: (lower index, upper index, scaled position - 1024 * lower)."""
    scale = _cdiv(1024 * in_size + out_size // 2, out_size)
    if align and out_size > 1:
        scale = _cdiv(1024 * (in_size - 1) + (out_size - 1) // 2, out_size - 1)
    lo, hi, frac = [], [], []
    for v in range(out_size):
        scaled = v * scale + _cdiv(scale, 2) - 512 if half else v * scale
        a = max(_cdiv(scaled, 1024), 0)
        b = min(_cdiv(scaled + 1023, 1024), in_size - 1)
        lo.append(a)
        hi.append(b)
        frac.append(scaled - 1024 * a)
    return lo, hi, frac


def _shapes(ctx, op, dtypes):
    g = ctx.graph
    inp, size, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    name = f"op {op.index} {op.opcode}"
    if inp.dtype != out.dtype or inp.dtype not in dtypes:
        raise TinycError(f"{name}: {inp.dtype} -> {out.dtype} is not supported "
                         f"({' or '.join(dtypes)} only, as TFLM)")
    if len(inp.shape) != 4 or len(out.shape) != 4:
        raise TinycError(f"{name}: input and output must be 4-D NHWC")
    if not size.is_const or size.dtype != "int32" or size.elements != 2:
        raise TinycError(f"{name}: the size must be a constant int32 [2] tensor (TFLM refuses "
                         "a size computed at run time)")
    oh, ow = (int(v) for v in np.asarray(size.data).reshape(-1))
    if list(out.shape) != [inp.shape[0], oh, ow, inp.shape[3]] or min(oh, ow, *inp.shape) < 1:
        raise TinycError(f"{name}: resizing {list(inp.shape)} to {oh}x{ow} does not give the "
                         f"model's output {list(out.shape)}")
    align = bool(op.options.get("align_corners", False))
    half = bool(op.options.get("half_pixel_centers", False))
    return inp, out, align, half


@lowering("RESIZE_NEAREST_NEIGHBOR")
def lower_nearest(ctx, op):
    inp, out, align, half = _shapes(ctx, op, ("int8", "int16"))
    _, ih, iw, _ = inp.shape
    _, oh, ow, _ = out.shape
    rows = np.array([nearest_index(y, ih, oh, align, half) for y in range(oh)], np.int32)
    cols = np.array([nearest_index(x, iw, ow, align, half) for x in range(ow)], np.int32)
    params = ctx.params(op, "tinyc_resize_nearest_params", {
        "input": dims4(inp), "out_h": oh, "out_w": ow, "elem_bytes": elem_bytes(op, inp),
        "in_row": ctx.const(f"op{op.index}_rows", rows),
        "in_col": ctx.const(f"op{op.index}_cols", cols)})
    return KernelCall(func="tinyc_resize_nearest",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["resize_nearest.h"], sources=["resize_nearest.c"])


@lowering("RESIZE_BILINEAR")
def lower_bilinear(ctx, op):
    inp, out, align, half = _shapes(ctx, op, ("int8",))
    if align and half:
        raise TinycError(f"op {op.index} RESIZE_BILINEAR: align_corners and half_pixel_centers "
                         "cannot both be set (TFLM refuses it)")
    _, ih, iw, _ = inp.shape
    _, oh, ow, _ = out.shape
    y0, y1, wy = bilinear_axis(ih, oh, align, half)
    x0, x1, wx = bilinear_axis(iw, ow, align, half)
    if max(y0) >= ih or max(x0) >= iw:
        raise TinycError(f"op {op.index} RESIZE_BILINEAR: the resize reads outside its input")
    i32 = lambda v: np.array(v, np.int32)  # noqa: E731
    params = ctx.params(op, "tinyc_resize_bilinear_params", {
        "input": dims4(inp), "out_h": oh, "out_w": ow,
        "y0": ctx.const(f"op{op.index}_y0", i32(y0)), "y1": ctx.const(f"op{op.index}_y1", i32(y1)),
        "wy": ctx.const(f"op{op.index}_wy", i32(wy)),
        "x0": ctx.const(f"op{op.index}_x0", i32(x0)), "x1": ctx.const(f"op{op.index}_x1", i32(x1)),
        "wx": ctx.const(f"op{op.index}_wx", i32(wx))})
    return KernelCall(func="tinyc_resize_bilinear_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["resize_bilinear_s8.h"], sources=["resize_bilinear_s8.c"])
