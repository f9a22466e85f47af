"""CONV_2D kernel variants for cores with the DSP extension (Cortex-M4/M7/M33).

They reuse conv2d.prepare's numbers; what they add is the weight layout their inner loops
read, computed here at compile time."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from tinyc.backends.native.access_order import blocked_window_overlap, runs_backward
from tinyc.backends.native.cgen import CExpr
from tinyc.backends.native.fixedpoint import mbqm
from tinyc.backends.native.lower import KernelCall, kernel_variant
from tinyc.backends.native.ops.common import zp
from tinyc.backends.native.ops.conv2d import ConvNumbers, conv_params, prepare
from tinyc.backends.native.ops.geometry import spatial
from tinyc.backends.native.target import KernelChoice


# Instructions per MAC on mps2-an386 (for --optimize balanced), from `verify -n 1 --profile`
# over kws, vww, resnet and ad01: im2col 30.39 M / 17.0 M MACs, 1x1 5.09 M / 1.31 M (vww's
# narrow layers), sparse 1.33 M / 3.24 M dense MACs (vww).
IPM_IM2COL = 1.8
IPM_1X1 = 3.9
IPM_SPARSE = 0.41
# Figures on the op's own shape (KernelChoice.shape_instructions_per_mac, the patch cost), from
# `verify --profile` on mps2-an386 (kws, vww, resnet, person_detect):
# - dsp-1x1-cn(-rqfast): 2.94 at 8 input channels, 2.06 at 16, 1.80 at 32, 1.57 at 64:
#   IPM_CN_BASE + IPM_CN_PER_INPUT / c_in; 10 instructions per output row;
# - dsp-im2col-k28: 3.46 with 8 outputs (vww), 2.70 with 16 (resnet): the column's copy shared
#   by fewer channels, IPM_K28_BASE + IPM_K28_PER_OUTPUT / c_out; 325 per call, none per row;
# - dsp-im2col: 2.17 at 40 taps (kws), 1.65 at 144, 1.41 at 288, 1.31 at 576 (resnet), 1.41
#   at 1152 (person_detect): IPM_IM2COL_BASE + IPM_IM2COL_PER_TAP / taps, within 7 %.
IPM_CN_BASE, IPM_CN_PER_INPUT = 1.42, 12.2
ROW_CN = 10.0
IPM_K28_BASE, IPM_K28_PER_OUTPUT = 1.94, 12.2
CALL_K28, ROW_K28 = 325.0, 0.0
IPM_IM2COL_BASE, IPM_IM2COL_PER_TAP = 1.3, 36.0

# Each GEMM writes two output pixels at a time (conv2d_gemm_s8_dsp.h gemm_pixels_s8).
PIXELS_PER_BLOCK = 2


def gemm_overlap(g, op, read_first: bool) -> int | None:
    """The access-order contract of a two-pixel GEMM variant (access_order.py): im2col
    (read_first) copies both windows to scratch before writing; the 1x1 GEMMs read the
    input pixels while they write the two outputs."""
    inp, w, out = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]]
    _, fh, fw, _ = w.shape
    return blocked_window_overlap(inp.shape, out.shape, fh, fw,
                                  spatial(op, inp, out, fh, fw), PIXELS_PER_BLOCK, read_first)


def _is_pointwise(g, op) -> bool:
    """1x1 filter, no padding, no groups (any stride): a GEMM straight from the input."""
    inp, w = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]]
    if len(w.shape) != 4 or len(inp.shape) != 4:
        return False
    _, fh, fw, fc = w.shape
    return fh == 1 and fw == 1 and fc == inp.shape[3]


def relaid_gemm(weights: np.ndarray) -> np.ndarray:
    """[oc, ...] -> the byte order conv2d_gemm_s8_dsp.h reads, each channel's taps as one row of
    k: per output-channel pair, 4 taps of o then 4 of o+1, the k % 4 tail as (o, o+1) pairs; a
    last odd channel as is."""
    w = weights.reshape(weights.shape[0], -1)
    oc, c = w.shape
    c4 = c - c % 4
    parts = []
    for o in range(0, oc - 1, 2):
        pair = w[o:o + 2]
        body = pair[:, :c4].reshape(2, -1, 4).transpose(1, 0, 2).reshape(-1)
        tail = pair[:, c4:].T.reshape(-1)
        parts += [body, tail]
    if oc % 2:
        parts.append(w[-1])
    return np.concatenate(parts).astype(np.int8)


def channel_table(nums: ConvNumbers) -> np.ndarray:
    """Per output channel {folded bias, multiplier, left shift, right shift} as int32 rows: what
    the DSP kernels read per channel, through one pointer (conv2d_gemm_s8_dsp.h CH_*)."""
    shift = nums.shift.astype(np.int64)
    return np.stack([nums.bias, nums.mult, np.maximum(shift, 0), np.maximum(-shift, 0)],
                    axis=1).astype(np.int32)


def accumulator_bound(nums: ConvNumbers, rows: np.ndarray) -> np.ndarray:
    """Per output channel, the largest |accumulator| any int8 input can give: folded bias plus
    128 x the sum of |taps| (padding taps read the zero point, an int8 too)."""
    return np.abs(nums.bias.astype(np.int64)) + 128 * np.abs(rows.astype(np.int64)).sum(axis=1)


def fast_channels(nums: ConvNumbers, offset: int) -> np.ndarray | None:
    """The channel table of RQ_FAST (conv2d_gemm_s8_dsp.h), {folded bias, multiplier,
    2^(r-1) + output offset * 2^r, r} per channel, or None when the layer does not fit it: an
    activation range narrower than int8, a channel with a left shift, or one whose accumulator
    could overflow 2 acc or the rounding add. A channel whose output is one value v whatever the
    input (all taps zero; multiplier 0; |first rounding| < 2^(r-1) for every input) becomes
    {0, 0, 2 v + 1, 1}, which gives exactly v."""
    if nums.act_min != -128 or nums.act_max != 127:
        return None
    rows = nums.weights.reshape(nums.weights.shape[0], -1)
    taps = np.abs(rows.astype(np.int64)).sum(axis=1).tolist()
    table = []
    for bias, mult, shift, bound, tap_sum in zip(nums.bias.tolist(), nums.mult.tolist(),
                                                 nums.shift.tolist(),
                                                 accumulator_bound(nums, rows).tolist(), taps):
        right = -shift
        first = ((bound * mult) >> 31) + 1                 # bounds |the first rounding|
        if tap_sum == 0 or mult == 0 or (right >= 1 and first < 1 << (right - 1)):
            value = min(max(mbqm(bias, mult, shift) + offset, -128), 127)
            table.append((0, 0, 2 * value + 1, 1))
            continue
        rnd = (1 << (right - 1)) + offset * (1 << right) if right >= 1 else 0
        if right < 1 or 2 * bound >= 1 << 31 or first + abs(rnd) + 1 >= 1 << 31:
            return None
        table.append((bias, mult, rnd, right))
    return np.array(table, np.int32).reshape(-1, 4)


def dsp_params(ctx, op, nums: ConvNumbers) -> CExpr:
    """tinyc_conv2d_params without the per-channel arrays: the channel table carries them."""
    no_arrays = {"multiplier": CExpr("NULL"), "shift": CExpr("NULL")}
    return ctx.params(op, "tinyc_conv2d_params", conv_params(ctx, op, nums, no_arrays))


# From this many output channels a 1x1 layer goes through dsp-im2col instead: widening each
# pixel to int16 once (~7 instructions per 4 inputs) then saves two SXTB16 per 4 inputs in every
# one of the out_c/2 channel-pair blocks. Measured on mps2-an386 (person_detect, kws): out_c 64
# -5 to -6 %, out_c 32 even, out_c 16 +10 %.
WIDEN_MIN_OUT_CHANNELS = 48


def _choose_1x1(g, op, target):
    if (not target.has("dsp") or not _is_pointwise(g, op)
            or g.tensors[op.outputs[0]].shape[3] >= WIDEN_MIN_OUT_CHANNELS):
        return None
    return KernelChoice("tinyc_conv2d_1x1_s8_dsp", ("conv2d_1x1_s8_dsp.h",),
                        ("conv2d_1x1_s8_dsp.c",), 0, "dsp-1x1",
                        overlap=gemm_overlap(g, op, read_first=False),
                        instructions_per_mac=IPM_1X1)


def gemm_operands(ctx, op, nums: ConvNumbers, rows: np.ndarray,
                  channels: np.ndarray | None = None) -> tuple[CExpr, CExpr, CExpr]:
    """(params, re-laid filter, channel table) of a GEMM variant's call; `rows`: the filter as
    the GEMM's [oc, k] rows; `channels`: the table when not RQ_EXACT's."""
    table = channel_table(nums) if channels is None else channels
    return (dsp_params(ctx, op, nums),
            ctx.const(f"op{op.index}_filter_gemm", relaid_gemm(rows)),
            ctx.const(f"op{op.index}_channels", table))


def emit_gemm(ctx, op, choice, nums: ConvNumbers, rows: np.ndarray,
              channels: np.ndarray | None = None) -> KernelCall:
    """Every GEMM variant takes (params, scratch, input, re-laid filter, channel table, output)."""
    if op.index in getattr(ctx.plan, "fused", {}):
        return KernelCall(None)              # runs inside the depthwise op it feeds (fusion.py)
    params, filt, table = gemm_operands(ctx, op, nums, rows, channels)
    runs_backward(ctx, op, choice)           # refuses a plan beyond the contract
    return KernelCall.of(choice, [params, ctx.scratch(op), ctx.ptr(op.inputs[0]), filt, table,
                                  ctx.ptr(op.outputs[0])])


def pointwise_operands(ctx, op, choice, nums: ConvNumbers) -> tuple[CExpr, CExpr, CExpr]:
    """gemm_operands of the 1x1 variants (dsp-1x1[-cn][-rqfast]) as `choice` names them."""
    fast = (fast_channels(nums, output_offset(ctx.graph, op))
            if choice.variant.endswith("-rqfast") else None)
    return gemm_operands(ctx, op, nums, nums.weights.reshape(nums.weights.shape[0], -1), fast)


def output_offset(g, op) -> int:
    return zp(g.tensors[op.outputs[0]])


def rqfast(choose):
    """`choose` for the layers fast_channels accepts, with the kernel's _rqfast twin."""
    def choose_fast(g, op, target):
        choice = choose(g, op, target)
        if choice is None or fast_channels(prepare(g, op), output_offset(g, op)) is None:
            return None
        return replace(choice, func=choice.func.replace("_dsp", "_rqfast_dsp"),
                       variant=choice.variant + "-rqfast")
    return choose_fast


@kernel_variant("CONV_2D", "dsp-1x1", _choose_1x1, priority=10)
def emit_1x1(ctx, op, choice, nums: ConvNumbers):
    return emit_gemm(ctx, op, choice, nums, nums.weights.reshape(nums.weights.shape[0], -1))


@kernel_variant("CONV_2D", "dsp-1x1-rqfast", rqfast(_choose_1x1), priority=11)
def emit_1x1_rqfast(ctx, op, choice, nums: ConvNumbers):
    return emit_gemm(ctx, op, choice, nums, nums.weights.reshape(nums.weights.shape[0], -1),
                     fast_channels(nums, output_offset(ctx.graph, op)))


# Input channel counts with a kernel of their own (conv2d_1x1_s8_cn_dsp.h): stride-1 1x1 layers
# with these many inputs run the GEMM with c_in a compile-time constant, any number of outputs.
# Measured on mps2-an386 against dsp-1x1 / dsp-im2col with RQ_FAST: vww/person c_in 8 -28 %,
# 16 -23 %, 32 -11 %, 64 -3 % (kws, person op 10); 128 +3.4 % (person ops 14-22), so not 128.
FIXED_IN_CHANNELS = (8, 16, 32, 64)


def _choose_1x1_cn(g, op, target):
    if not target.has("dsp") or not _is_pointwise(g, op):
        return None
    c_in = g.tensors[op.inputs[0]].shape[3]
    if c_in not in FIXED_IN_CHANNELS or (op.options.get("stride_h", 1),
                                         op.options.get("stride_w", 1)) != (1, 1):
        return None
    # the same two-pixel loop as dsp-1x1 (gemm_pixels_s8), so the same contract
    return KernelChoice(f"tinyc_conv2d_1x1_s8_c{c_in}_dsp", ("conv2d_1x1_s8_cn_dsp.h",),
                        ("conv2d_1x1_s8_cn_dsp.c",), 0, "dsp-1x1-cn",
                        overlap=gemm_overlap(g, op, read_first=False),
                        instructions_per_mac=IPM_1X1,
                        shape_instructions_per_mac=IPM_CN_BASE + IPM_CN_PER_INPUT / c_in,
                        row_instructions=ROW_CN)


@kernel_variant("CONV_2D", "dsp-1x1-cn", _choose_1x1_cn, priority=12)
def emit_1x1_cn(ctx, op, choice, nums: ConvNumbers):
    return emit_1x1(ctx, op, choice, nums)


@kernel_variant("CONV_2D", "dsp-1x1-cn-rqfast", rqfast(_choose_1x1_cn), priority=13)
def emit_1x1_cn_rqfast(ctx, op, choice, nums: ConvNumbers):
    return emit_1x1_rqfast(ctx, op, choice, nums)


def _no_groups(g, op) -> bool:
    inp, w = g.tensors[op.inputs[0]], g.tensors[op.inputs[1]]
    return len(w.shape) == 4 and len(inp.shape) == 4 and w.shape[3] == inp.shape[3]


def column_taps(fh: int, fw: int, fc: int) -> int:
    """An im2col column's length: fh*fw*fc taps rounded up to a multiple of 4 (zero weights in
    the padding), so the GEMM needs no tap-by-tap tail."""
    return (fh * fw * fc + 3) // 4 * 4


def im2col_scratch_bytes(g, op) -> int:
    """tinyc_conv2d_s8_dsp_scratch_size: two columns of int16 taps."""
    _, fh, fw, fc = g.tensors[op.inputs[1]].shape
    return 2 * 2 * column_taps(fh, fw, fc)


def _choose_im2col(g, op, target):
    if not target.has("dsp") or not _no_groups(g, op):
        return None
    return KernelChoice("tinyc_conv2d_s8_dsp", ("conv2d_s8_dsp.h",), ("conv2d_s8_dsp.c",),
                        im2col_scratch_bytes(g, op), "dsp-im2col",
                        overlap=gemm_overlap(g, op, read_first=True),
                        instructions_per_mac=IPM_IM2COL,
                        shape_instructions_per_mac=IPM_IM2COL_BASE + IPM_IM2COL_PER_TAP
                        / column_taps(*g.tensors[op.inputs[1]].shape[1:]))


def column_rows(nums: ConvNumbers) -> np.ndarray:
    """The filter as [oc, column_taps] rows, zeros in the padding."""
    oc, fh, fw, fc = nums.weights.shape
    rows = nums.weights.reshape(oc, -1)
    return np.pad(rows, ((0, 0), (0, column_taps(fh, fw, fc) - rows.shape[1])))


def _choose_im2col_k28(g, op, target):
    """3x3 filters over 3 channels (the first layer of vww, person_detect, resnet): 28-tap
    columns, the GEMM's loop unrolled for that length at compile time."""
    choice = _choose_im2col(g, op, target)
    _, fh, fw, fc = g.tensors[op.inputs[1]].shape
    if choice is None or column_taps(fh, fw, fc) != 28:
        return None
    c_out = g.tensors[op.outputs[0]].shape[3]
    return replace(choice, func="tinyc_conv2d_s8_k28_dsp", variant="dsp-im2col-k28",
                   shape_instructions_per_mac=IPM_K28_BASE + IPM_K28_PER_OUTPUT / c_out,
                   call_instructions=CALL_K28, row_instructions=ROW_K28)


@kernel_variant("CONV_2D", "dsp-im2col", _choose_im2col, priority=5)
def emit_im2col(ctx, op, choice, nums: ConvNumbers):
    return emit_gemm(ctx, op, choice, nums, column_rows(nums))


@kernel_variant("CONV_2D", "dsp-im2col-rqfast", rqfast(_choose_im2col), priority=6)
def emit_im2col_rqfast(ctx, op, choice, nums: ConvNumbers):
    return emit_gemm(ctx, op, choice, nums, column_rows(nums),
                     fast_channels(nums, output_offset(ctx.graph, op)))


# Above this fraction of non-zero weights the dense 1x1 GEMM wins. Measured on mps2-an386
# (vww_96_int8, C = 128): dense costs ~1.6*C + 30 instructions per output, sparse ~45 + 3.6 per
# non-zero tap (LDRB index, LDRSB weight, two LDRSB inputs, two MLA, the loop branch, per pixel
# pair). That breaks even near 0.4 in instructions, but the sparse loop's loads depend on the
# index just loaded and do not pipeline (about 1.6 cycles per instruction against ~1.1 for the
# SMLAD loop), which moves the break-even in cycles to about 0.27.
SPARSE_MAX_DENSITY = 0.25


def weight_density(g, op) -> float:
    t = g.tensors[op.inputs[1]]
    if not t.is_const:
        return 1.0                           # prepare refuses it with the reason
    w = np.asarray(t.data)
    return float(np.count_nonzero(w)) / max(w.size, 1)


def sparse_taps(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[oc, 1, 1, c] -> (non-zero count per channel as int16, the (channel, weight) byte pairs
    of every channel in order) as tinyc_conv2d_1x1_s8_sparse_dsp reads them."""
    w = weights.reshape(weights.shape[0], -1)
    counts = np.count_nonzero(w, axis=1).astype(np.int16)
    o, c = np.nonzero(w)                     # row-major: channel by channel, taps in order
    taps = np.stack([c.astype(np.uint8), w[o, c].astype(np.int8).view(np.uint8)], axis=1)
    return counts, taps.reshape(-1)


def _choose_sparse(g, op, target):
    if (not target.has("dsp") or not _is_pointwise(g, op)
            or g.tensors[op.inputs[0]].shape[3] > 256
            or weight_density(g, op) > SPARSE_MAX_DENSITY):
        return None
    return KernelChoice("tinyc_conv2d_1x1_s8_sparse_dsp", ("conv2d_1x1_s8_sparse_dsp.h",),
                        ("conv2d_1x1_s8_sparse_dsp.c",), 0, "dsp-1x1-sparse",
                        overlap=gemm_overlap(g, op, read_first=False),
                        instructions_per_mac=IPM_SPARSE)


@kernel_variant("CONV_2D", "dsp-1x1-sparse", _choose_sparse, priority=15)
def emit_sparse(ctx, op, choice, nums: ConvNumbers):
    runs_backward(ctx, op, choice)           # refuses a plan beyond the contract
    counts, taps = sparse_taps(nums.weights)
    if not len(taps):
        taps = np.zeros(2, np.uint8)         # a C array needs one element; never read
    return KernelCall.of(choice, [dsp_params(ctx, op, nums), ctx.scratch(op),
                                  ctx.ptr(op.inputs[0]),
                                  ctx.const(f"op{op.index}_nz_count", counts),
                                  ctx.const(f"op{op.index}_nz_taps", taps),
                                  ctx.const(f"op{op.index}_channels", channel_table(nums)),
                                  ctx.ptr(op.outputs[0])])


@kernel_variant("CONV_2D", "dsp-im2col-k28", _choose_im2col_k28, priority=7)
def emit_im2col_k28(ctx, op, choice, nums: ConvNumbers):
    return emit_im2col(ctx, op, choice, nums)


@kernel_variant("CONV_2D", "dsp-im2col-k28-rqfast", rqfast(_choose_im2col_k28), priority=8)
def emit_im2col_k28_rqfast(ctx, op, choice, nums: ConvNumbers):
    return emit_im2col_rqfast(ctx, op, choice, nums)
