"""Access-order contracts of the portable kernels: how far the output may overlap the input.

A contract is one integer `d` (bytes): the kernel never overwrites an input byte it still has
to read when the output starts at most `d` bytes above the input's start (`d` < 0: at least
`-d` bytes below it). None: the output must not overlap the input at all. The planner turns
it into `out_offset <= in_offset + d` (or no overlap) when the input dies at that op.

Windowed kernels (conv2d_s8.c, depthwise_conv2d_s8.c, pooling_s8.c) loop over output pixels
in raster order; for each pixel they compute every output channel in turn, re-reading that
pixel's input window for each channel, and write the channel right after. So when the bytes
of output pixel p are written, every input pixel read by a window of p or of a later pixel
must still be intact:

    out + (p + 1) * out_c  <=  in + first_byte_still_read(p)   for every p

and `d` is the smallest `first_byte_still_read(p) - (p + 1) * out_c`.

A chain of such ops drifts down by |d| per op. Their `_backward` twins (conv2d_s8_backward.c,
depthwise_conv2d_s8_backward.c) run the same loops from the last byte to the first, so the
output may instead start `u` or more bytes *above* the input:

    out + p * out_c  >=  in + end_of_bytes_still_read(p)   for every p

and `u` is the largest `end_of_bytes_still_read(p) - p * out_c`. The planner may use either
side; the lowering then calls the twin whose order the plan needs (`runs_backward`).
"""
from __future__ import annotations

import numpy as np


def _first_tap(out_len: int, in_len: int, k: int, stride: int, dilation: int, pad: int):
    """Per output row (or column): the lowest input row its window reads (in_len when none)."""
    o = np.arange(out_len)
    start = o * stride - pad
    taps = start[:, None] + np.arange(k)[None, :] * dilation
    valid = (taps >= 0) & (taps < in_len)
    return np.where(valid, taps, in_len).min(axis=1)


def _last_tap(out_len: int, in_len: int, k: int, stride: int, dilation: int, pad: int):
    """Per output row (or column): the highest input row its window reads (-1 when none)."""
    o = np.arange(out_len)
    taps = (o * stride - pad)[:, None] + np.arange(k)[None, :] * dilation
    valid = (taps >= 0) & (taps < in_len)
    return np.where(valid, taps, -1).max(axis=1)


def window_overlap_above(in_shape, out_shape, fh: int, fw: int, g: dict) -> int | None:
    """`u` for the backward twin of a raster-order windowed kernel (batch 1)."""
    n, ih, iw, ic = (int(v) for v in in_shape)
    _, oh, ow, oc = (int(v) for v in out_shape)
    if n != 1:
        return None
    ry = _last_tap(oh, ih, fh, g["stride_h"], g.get("dilation_h", 1), g["pad_h"])
    rx = _last_tap(ow, iw, fw, g["stride_w"], g.get("dilation_w", 1), g["pad_w"])
    end = (ry[:, None] * iw + rx[None, :] + 1) * ic
    none = (ry[:, None] < 0) | (rx[None, :] < 0)
    end = np.where(none, 0, end).reshape(-1).astype(np.int64)
    still_read = np.maximum.accumulate(end)         # by this pixel or an earlier one
    written_from = np.arange(oh * ow, dtype=np.int64) * oc
    return int((still_read - written_from).max())


def copy_overlap_above(c: dict, max_runs: int = 1 << 20) -> int | None:
    """`u` for pad_backward.c: tinyc_copy_nd_params `c` copied from its last run to its first.
    Writing run r must spare the input of every earlier run (still unread); None when the
    runs do not ascend through the output (the kernel then fills the wrong gaps)."""
    dims = [int(d) for d in c["dims"][:c["ndim"]]]
    n = int(np.prod(dims)) if dims else 1
    if n <= 1 or n > max_runs:
        return None if n > max_runs else -int(c["dst_base"])
    idx = np.indices(dims).reshape(len(dims), -1).astype(np.int64)
    src = c["src_base"] + (np.array(c["src_stride"][:len(dims)])[:, None] * idx).sum(axis=0)
    dst = c["dst_base"] + (np.array(c["dst_stride"][:len(dims)])[:, None] * idx).sum(axis=0)
    run = int(c["run_bytes"])
    if np.any(np.diff(dst) < run) or np.any(np.diff(src) < run):
        return None
    unread_end = np.maximum.accumulate(src + run)[:-1]      # below run r, before it is written
    return int(max((unread_end - dst[1:]).max(), -int(c["dst_base"])))


def runs_backward(ctx, op, choice) -> bool:
    """True when the plan put the output over the input where only the backward twin's
    contract (`overlap_above`) holds; the forward kernel wherever its own contract holds."""
    plan = ctx.plan
    x, y = op.inputs[0], op.outputs[0]
    try:
        ox, oy = plan.offset(x), plan.offset(y)
    except KeyError:
        return False
    g = ctx.graph
    if oy + g.tensors[y].nbytes <= ox or oy >= ox + g.tensors[x].nbytes:
        return False                       # apart
    if choice.overlap is not None and oy - ox <= choice.overlap:
        return False
    if choice.overlap_above is not None and oy - ox >= choice.overlap_above:
        return True
    raise AssertionError(f"op {op.index} {op.opcode}: the plan overlaps its output "
                         f"({oy}) with its input ({ox}) beyond the kernel's contract")


def _first_bytes(in_shape, out_shape, fh: int, fw: int, g: dict) -> np.ndarray:
    """Per output pixel in raster order: the lowest input byte its window reads (the input's
    size when the window is all padding)."""
    _, ih, iw, ic = (int(v) for v in in_shape)
    _, oh, ow, _ = (int(v) for v in out_shape)
    ry = _first_tap(oh, ih, fh, g["stride_h"], g.get("dilation_h", 1), g["pad_h"])
    rx = _first_tap(ow, iw, fw, g["stride_w"], g.get("dilation_w", 1), g["pad_w"])
    first = ry[:, None] * iw + rx[None, :]
    none = (ry[:, None] >= ih) | (rx[None, :] >= iw)
    return np.where(none, ih * iw, first).reshape(-1).astype(np.int64) * ic


def window_overlap(in_shape, out_shape, fh: int, fw: int, g: dict) -> int | None:
    """`d` for a raster-order windowed kernel (batch 1); None when it does not apply."""
    if int(in_shape[0]) != 1:
        return None
    first = _first_bytes(in_shape, out_shape, fh, fw, g)
    still_read = np.minimum.accumulate(first[::-1])[::-1]     # by this pixel or a later one
    written = (np.arange(len(first), dtype=np.int64) + 1) * int(out_shape[3])
    return int((still_read - written).min())


def blocked_window_overlap(in_shape, out_shape, fh: int, fw: int, g: dict, block: int,
                           read_first: bool) -> int | None:
    """`d` for a kernel that writes `block` output pixels at a time (the DSP GEMMs: two).
    read_first: the block's windows are copied to scratch before its outputs are written
    (im2col), so only later blocks' windows must survive; otherwise the block's own windows
    are read while its outputs are written (the 1x1 GEMMs read the input directly)."""
    if int(in_shape[0]) != 1:
        return None
    first = _first_bytes(in_shape, out_shape, fh, fw, g)
    n, oc = len(first), int(out_shape[3])
    from_pixel = np.append(np.minimum.accumulate(first[::-1])[::-1], np.iinfo(np.int64).max)
    starts = np.arange(0, n, block)
    ends = np.minimum(starts + block, n)
    still_read = from_pixel[ends if read_first else starts]
    limits = still_read - ends * oc
    return int(limits.min()) if still_read.min() < np.iinfo(np.int64).max else _anywhere(in_shape)


def channel_group_overlap(in_shape, out_shape, fh: int, fw: int, g: dict,
                          group: int = 4) -> int | None:
    """`d` for depthwise_conv2d_s8_dsp.c (depth multiplier 1): per output pixel it computes
    `group` channels at a time (then the tail one by one), reading only those channels of the
    window before writing them. So writing pixel p's channels [c, c + k) needs pixel p's window
    from channel c + k on and every later window intact:

        out + p * C + e  <=  in + min(first(p) + e, first_after(p))  for each write end e

    which comes down to first(p) - p * C (when a pixel has more than one group) and
    first_after(p) - (p + 1) * C."""
    if int(in_shape[0]) != 1 or int(in_shape[3]) != int(out_shape[3]):
        return None
    first = _first_bytes(in_shape, out_shape, fh, fw, g)
    n, c = len(first), int(out_shape[3])
    p = np.arange(n, dtype=np.int64)
    after = np.minimum.accumulate(first[::-1])[::-1][1:]      # by a later pixel
    limits = list(after - (p[:-1] + 1) * c)
    if c // group + c % group > 1:
        limits += list(first - p * c)
    return int(min(limits)) if limits else _anywhere(in_shape)


def channel_group_overlap_above(in_shape, out_shape, fh: int, fw: int, g: dict,
                                group: int = 4) -> int | None:
    """`u` for depthwise_conv2d_s8_dsp_backward.c: pixels from the last, in each the tail
    channels and then the groups from the last. Writing pixel p's channels from s on needs
    its window's channels below s and every earlier window intact:

        out + p * C + s  >=  in + max(last(p) + s, end_before(p))   for each write start s

    (last(p): the byte where its highest tap starts), which comes down to last(p) - p * C
    (when a pixel has more than one group) and end_before(p) - p * C."""
    n_, ih, iw, ic = (int(v) for v in in_shape)
    _, oh, ow, oc = (int(v) for v in out_shape)
    if n_ != 1 or ic != oc:
        return None
    ry = _last_tap(oh, ih, fh, g["stride_h"], g.get("dilation_h", 1), g["pad_h"])
    rx = _last_tap(ow, iw, fw, g["stride_w"], g.get("dilation_w", 1), g["pad_w"])
    none = ((ry[:, None] < 0) | (rx[None, :] < 0)).reshape(-1)
    last = ((ry[:, None] * iw + rx[None, :]).reshape(-1).astype(np.int64)) * ic
    last = np.where(none, -ic, last)                  # all padding: reads nothing
    p = np.arange(len(last), dtype=np.int64)
    end_before = np.maximum.accumulate(last + ic)[:-1]        # by an earlier pixel
    limits = list(end_before - p[1:] * oc)
    if oc // group + oc % group > 1:
        limits += list(np.where(none, -(1 << 40), last - p * oc))
    return int(max(limits)) if limits else -_anywhere(in_shape)


def rows_read_first_overlap(rows: int, in_row: int, out_row: int) -> int:
    """`d` for a kernel that copies each input row to scratch before writing its output row
    (fully_connected_s8_dsp.c): writing row r must spare rows r + 1 on."""
    r = np.arange(1, rows, dtype=np.int64)
    return int((r * (in_row - out_row)).min()) if rows > 1 else rows * in_row


def rows_read_during_overlap(rows: int, in_row: int, out_row: int, block: int = 4) -> int:
    """`d` for a kernel that reads the whole input row again for each block of `block` outputs
    (fully_connected_s8_dsp.c's scratch-free twin, blocks of 4; unidirectional_sequence_lstm_s8.c,
    each unit's FCs then its byte, blocks of 1): writing a block of row r must spare row r while
    a later block of it remains, and rows r + 1 on."""
    r = np.arange(rows, dtype=np.int64)
    blocks = -(-out_row // block)
    limits = list((r[:-1] + 1) * (in_row - out_row))
    if blocks > 1:
        limits += list(r * (in_row - out_row) - (blocks - 1) * block)
    return int(min(limits)) if limits else rows * in_row


def widened_scratch_overlap(rows: int, in_row: int) -> int:
    """`d` for the scratch of fully_connected_s8_dsp.c (how far it may start above the input):
    each input row is widened in ascending groups of four bytes, each into eight bytes of
    scratch, so writing group g must spare the row's groups from g + 1 on:

        scratch + 8 (g + 1)  <=  in + 4 (g + 1)   for g < groups - 1

    and, with more rows, all of the scratch must stay below row 1 (widened later)."""
    groups = -(-in_row // 4)
    d = -4 * (groups - 1) if groups > 1 else in_row
    return min(d, in_row - 8 * groups) if rows > 1 else d


def check_scratch(ctx, op, choice, scratch: tuple[int, int]) -> None:
    """Refuses a plan whose scratch shares bytes with the op's output, or with its input 0
    beyond the kernel's contract (KernelChoice.scratch_overlap)."""
    off, size = scratch
    g = ctx.graph
    for role, t in (("input", op.inputs[0] if op.inputs else -1),
                    ("output", op.outputs[0] if op.outputs else -1)):
        try:
            start = ctx.plan.offset(t) if t >= 0 else None
        except KeyError:
            continue
        if start is None or off + size <= start or off >= start + g.tensors[t].nbytes:
            continue
        if role == "input" and choice.scratch_overlap is not None \
                and off - start <= choice.scratch_overlap:
            continue
        raise AssertionError(f"op {op.index} {op.opcode}: the plan overlaps its scratch ({off}) "
                             f"with its {role} ({start}) beyond the kernel's contract")


def _anywhere(in_shape) -> int:
    """A `d` no overlapping output can exceed: every input byte is read before any write."""
    return int(np.prod([int(v) for v in in_shape]))
