"""Compile-time geometry shared by the conv, pooling and data-movement lowerings:
TFLM's SAME/VALID padding, NHWC dims structs, and affine copies for tinyc_copy_nd."""
from __future__ import annotations

from tinyc.errors import TinycError
from tinyc.frontend.preconditions import out_size
from tinyc.ir import DTYPE_SIZES, Op, Tensor

COPY_MAX_DIMS = 6   # TINYC_COPY_MAX_DIMS in firmware/kernels/copy_nd.h


def dims4(t: Tensor) -> dict:
    n, h, w, c = t.shape
    return {"n": n, "h": h, "w": w, "c": c}


def pad_before(padding: str, size: int, filt: int, stride: int, dilation: int = 1) -> int:
    """TFLM ComputePaddingHeightWidth: top/left padding (the extra odd pixel goes after)."""
    out = out_size(padding, size, filt, stride, dilation)
    eff = (filt - 1) * dilation + 1
    total = max(0, (out - 1) * stride + eff - size)
    return total // 2


def spatial(op: Op, inp: Tensor, out: Tensor, fh: int, fw: int, dilated: bool = True) -> dict:
    """Stride, dilation and padding fields for a conv-like op (whose output size the front end
    has proved: tinyc/frontend/preconditions.py)."""
    o = op.options
    pad = o.get("padding", "VALID")
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    dh = int(o.get("dilation_h_factor", 1)) if dilated else 1
    dw = int(o.get("dilation_w_factor", 1)) if dilated else 1
    _, ih, iw, _ = inp.shape
    f = {"stride_h": sh, "stride_w": sw}
    if dilated:
        f.update({"dilation_h": dh, "dilation_w": dw})
    f.update({"pad_h": pad_before(pad, ih, fh, sh, dh), "pad_w": pad_before(pad, iw, fw, sw, dw)})
    return f


def contiguous_strides(shape) -> list[int]:
    strides, s = [], 1
    for d in reversed(list(shape)):
        strides.append(s)
        s *= d
    return strides[::-1]


def copy_nd_params(op: Op, shape, src_strides, dst_strides, src_base: int, dst_base: int,
                   elem_bytes: int) -> dict:
    """tinyc_copy_nd_params for dst[dst_base + i.dst] = src[src_base + i.src] (elements),
    with size-1 dims dropped, mergeable dims merged and the contiguous tail made one run."""
    dims = [(int(d), int(s), int(t)) for d, s, t in zip(shape, src_strides, dst_strides)
            if int(d) != 1]
    merged: list[tuple[int, int, int]] = []
    for d, s, t in dims:
        if merged:
            pd, ps, pt = merged[-1]
            if ps == s * d and pt == t * d:
                merged[-1] = (pd * d, s, t)
                continue
        merged.append((d, s, t))
    run = elem_bytes
    if merged and merged[-1][1] == 1 and merged[-1][2] == 1:
        run *= merged.pop()[0]
    if len(merged) > COPY_MAX_DIMS:
        raise TinycError(f"op {op.index} {op.opcode}: this copy needs {len(merged)} dims after "
                         f"merging, the kernel handles {COPY_MAX_DIMS}")
    pad = [0] * (COPY_MAX_DIMS - len(merged))
    return {
        "ndim": len(merged),
        "dims": [d for d, _, _ in merged] + pad,
        "src_stride": [s * elem_bytes for _, s, _ in merged] + pad,
        "dst_stride": [t * elem_bytes for _, _, t in merged] + pad,
        "src_base": src_base * elem_bytes, "dst_base": dst_base * elem_bytes,
        "run_bytes": run,
    }


def elem_bytes(op: Op, t: Tensor) -> int:
    n = DTYPE_SIZES.get(t.dtype, 0)
    if n not in (1, 2, 4):
        raise TinycError(f"op {op.index} {op.opcode}: {t.dtype} tensors are not supported")
    return n


def const_ints(ctx, op: Op, k: int, what: str) -> list[int]:
    if len(op.inputs) <= k or op.inputs[k] < 0 or not ctx.graph.tensors[op.inputs[k]].is_const:
        raise TinycError(f"op {op.index} {op.opcode}: {what} (input {k}) must be a constant")
    return [int(v) for v in ctx.graph.tensors[op.inputs[k]].data.reshape(-1)]
