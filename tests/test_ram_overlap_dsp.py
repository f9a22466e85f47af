"""Access-order contracts of the DSP kernel variants, checked like the portable ones
(tests/test_ram_overlap.py): against a replay of each C loop's reads and writes, by running
the planner's overlapping plans with a poisoned arena against the TFLM interpreter, and by
showing that a plan one input row past a contract goes wrong.
"""
from __future__ import annotations

import numpy as np
import pytest

from bitexact import mismatches
from conftest import model
from modelgen import int8_model
from test_ram_overlap import ForcedPlan
from tinyc.backends.native.access_order import (blocked_window_overlap, channel_group_overlap,
                                                 channel_group_overlap_above,
                                                 rows_read_during_overlap, rows_read_first_overlap,
                                                 widened_scratch_overlap)
from tinyc.backends.native.lower import LOWERINGS
from tinyc.backends.native.rules import NativeRules
from tinyc.backends.native.target import Target
from tinyc.boards import get_board
from tinyc.frontend import load_model
from tinyc.planner import plan_memory

HOST = get_board("host")
DSP = Target(HOST, features=frozenset({"dsp"}))
DSP_RULES = NativeRules(DSP)


def window_bytes(in_shape, out_shape, fh, fw, g, p, channels=None):
    """The input bytes output pixel p's window reads (only `channels` of each tap if given)."""
    _, ih, iw, ic = in_shape
    _, _, ow, _ = out_shape
    oy, ox = divmod(p, ow)
    taps = []
    for fy in range(fh):
        y = oy * g["stride_h"] - g["pad_h"] + fy * g["dilation_h"]
        for fx in range(fw):
            x = ox * g["stride_w"] - g["pad_w"] + fx * g["dilation_w"]
            if 0 <= y < ih and 0 <= x < iw:
                taps += [(y * iw + x) * ic + c for c in (channels or range(ic))]
    return taps


def gemm_events(in_shape, out_shape, fh, fw, g, read_first):
    """conv2d_s8_dsp.c (read_first: both windows to scratch, then the GEMM) and
    conv2d_1x1_s8[_sparse]_dsp.c (per output-channel pair: both input pixels, then the four
    outputs) in the order their loops run."""
    _, oh, ow, oc = out_shape
    pixels = oh * ow
    events = []
    for p0 in range(0, pixels, 2):
        block = [p for p in (p0, p0 + 1) if p < pixels]
        reads = [("r", b) for p in block for b in window_bytes(in_shape, out_shape, fh, fw, g, p)]
        if read_first:
            events += reads + [("w", p * oc + c) for p in block for c in range(oc)]
            continue
        for o in range(0, oc, 2):
            events += reads + [("w", p * oc + c) for p in block for c in (o, o + 1) if c < oc]
    return events


def depthwise_events(in_shape, out_shape, fh, fw, g):
    """depthwise_conv2d_s8_dsp.c (depth multiplier 1): per pixel, four channels at a time
    (each tap's four bytes, then the four outputs), the tail channel by channel."""
    _, oh, ow, oc = out_shape
    groups = [list(range(c, c + 4)) for c in range(0, oc - oc % 4, 4)]
    groups += [[c] for c in range(oc - oc % 4, oc)]
    events = []
    for p in range(oh * ow):
        for chans in groups:
            events += [("r", b) for b in window_bytes(in_shape, out_shape, fh, fw, g, p, chans)]
            events += [("w", p * oc + c) for c in chans]
    return events


def depthwise_backward_events(in_shape, out_shape, fh, fw, g):
    """depthwise_conv2d_s8_dsp_backward.c: pixels from the last, in each the tail channels
    from the last, then the groups of four from the last."""
    _, oh, ow, oc = out_shape
    groups = [[c] for c in range(oc - 1, oc - oc % 4 - 1, -1)]
    groups += [list(range(c, c + 4)) for c in range(oc - oc % 4 - 4, -1, -4)]
    events = []
    for p in range(oh * ow - 1, -1, -1):
        for chans in groups:
            events += [("r", b) for b in window_bytes(in_shape, out_shape, fh, fw, g, p, chans)]
            events += [("w", p * oc + c) for c in chans]
    return events


def replayed_above(events):
    """The smallest output-minus-input offset at which every write lands above every input
    byte read after it."""
    best, future_end = None, 0
    for kind, b in reversed(events):
        if kind == "r":
            future_end = max(future_end, b + 1)
        else:
            s = future_end - b
            best = s if best is None else max(best, s)
    return best


def fc_events(rows, n_in, n_out):
    """fully_connected_s8_dsp.c: each input row widened into scratch, then its outputs."""
    events = []
    for r in range(rows):
        events += [("r", r * n_in + i) for i in range(n_in)]
        events += [("w", r * n_out + o) for o in range(n_out)]
    return events


def replayed_shift(events, in_bytes):
    """The largest output-minus-input offset at which no write lands on an input byte read
    after it (None: every read comes before every write)."""
    best, future_min = None, in_bytes
    for kind, b in reversed(events):
        if kind == "r":
            future_min = min(future_min, b)
        elif future_min < in_bytes:
            s = future_min - b - 1
            best = s if best is None else min(best, s)
    return best


def _geometry(s, pad, dil=1):
    return {"stride_h": s, "stride_w": s, "pad_h": pad, "pad_w": pad,
            "dilation_h": dil, "dilation_w": dil}


GEMM_CASES = [  # (in NHWC, out NHWC, fh, fw, stride, pad, dilation, read_first)
    ((1, 5, 4, 3), (1, 5, 4, 5), 1, 1, 1, 0, 1, True),       # im2col 1x1 widening
    ((1, 5, 3, 6), (1, 5, 3, 2), 1, 1, 1, 0, 1, True),       # narrowing, odd pixel count
    ((1, 6, 5, 2), (1, 6, 5, 4), 3, 3, 1, 1, 1, True),       # 3x3 SAME
    ((1, 7, 6, 3), (1, 3, 3, 4), 3, 3, 2, 0, 1, True),       # 3x3 stride 2 VALID
    ((1, 7, 7, 2), (1, 3, 3, 3), 3, 3, 1, 0, 2, True),       # dilated
    ((1, 10, 4, 1), (1, 5, 2, 8), 10, 4, 2, 4, 1, True),     # kws's first layer, smaller
    ((1, 5, 4, 3), (1, 5, 4, 5), 1, 1, 1, 0, 1, False),      # 1x1 GEMM widening
    ((1, 5, 3, 6), (1, 5, 3, 3), 1, 1, 1, 0, 1, False),      # narrowing, odd pixels, odd oc
    ((1, 6, 6, 4), (1, 3, 3, 8), 1, 1, 2, 0, 1, False),      # stride 2
]


@pytest.mark.parametrize("case", GEMM_CASES, ids=str)
def test_gemm_contract_never_exceeds_the_replayed_kernel_and_is_tight(case):
    ins, outs, fh, fw, s, pad, dil, read_first = case
    g = _geometry(s, pad, dil)
    d = blocked_window_overlap(ins, outs, fh, fw, g, 2, read_first)
    exact = replayed_shift(gemm_events(ins, outs, fh, fw, g, read_first), int(np.prod(ins)))
    assert d <= exact
    assert exact - d < 2 * outs[3] + ins[3]


DEPTHWISE_CASES = [  # (in NHWC, fh, fw, stride, pad)
    ((1, 6, 5, 4), 3, 3, 1, 1),
    ((1, 6, 5, 8), 3, 3, 1, 1),
    ((1, 6, 5, 6), 3, 3, 1, 1),      # a group and a two-channel tail
    ((1, 7, 6, 8), 3, 3, 2, 1),
    ((1, 7, 6, 5), 5, 3, 2, 0),
]


@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=str)
def test_depthwise_contract_never_exceeds_the_replayed_kernel_and_is_tight(case):
    ins, fh, fw, s, pad = case
    _, ih, iw, c = ins
    outs = (1, (ih + 2 * pad - fh) // s + 1, (iw + 2 * pad - fw) // s + 1, c)
    g = _geometry(s, pad)
    d = channel_group_overlap(ins, outs, fh, fw, g)
    exact = replayed_shift(depthwise_events(ins, outs, fh, fw, g), int(np.prod(ins)))
    assert d <= exact
    assert exact - d < 4
    u = channel_group_overlap_above(ins, outs, fh, fw, g)
    exact = replayed_above(depthwise_backward_events(ins, outs, fh, fw, g))
    assert u >= exact
    assert u - exact < 4


@pytest.mark.parametrize("rows,n_in,n_out", [(1, 16, 4), (1, 8, 20), (3, 16, 4), (3, 6, 10)])
def test_fully_connected_contract_matches_the_replay(rows, n_in, n_out):
    d = rows_read_first_overlap(rows, n_in, n_out)
    exact = replayed_shift(fc_events(rows, n_in, n_out), rows * n_in)
    if exact is None:                        # one row: read whole before any write
        assert d >= rows * n_in
    else:
        assert d <= exact
        assert exact - d < n_out


def fc_direct_events(rows, n_in, n_out):
    """fully_connected_s8_dsp.c's scratch-free twin: per row, per block of four outputs, the
    whole input row read, then the block written."""
    events = []
    for r in range(rows):
        for o in range(0, n_out, 4):
            events += [("r", r * n_in + i) for i in range(n_in)]
            events += [("w", r * n_out + c) for c in range(o, min(o + 4, n_out))]
    return events


@pytest.mark.parametrize("rows,n_in,n_out", [(1, 16, 4), (1, 16, 12), (1, 8, 21), (3, 16, 4),
                                           (3, 6, 10), (2, 40, 9)])
def test_fully_connected_direct_contract_matches_the_replay(rows, n_in, n_out):
    d = rows_read_during_overlap(rows, n_in, n_out)
    exact = replayed_shift(fc_direct_events(rows, n_in, n_out), rows * n_in)
    if exact is None:                        # one row, one block: read whole before writing
        assert d >= rows * n_in
    else:
        assert d == exact


def fc_widen_events(rows, n_in):
    """fully_connected_s8_dsp.c's widening, input reads and scratch writes: per row, per group
    of four input bytes (the last one short), the group read, then its eight scratch bytes."""
    events = []
    for r in range(rows):
        for g0 in range(0, n_in, 4):
            events += [("r", r * n_in + i) for i in range(g0, min(g0 + 4, n_in))]
            events += [("w", 2 * g0 + b) for b in range(8)]
    return events


@pytest.mark.parametrize("rows,n_in", [(1, 640), (1, 18), (1, 4), (1, 3), (2, 16), (3, 18)])
def test_fully_connected_scratch_contract_matches_the_replay(rows, n_in):
    d = widened_scratch_overlap(rows, n_in)
    exact = replayed_shift(fc_widen_events(rows, n_in), rows * n_in)
    if exact is None:                        # one group: read whole before it is widened
        assert rows == 1 and n_in <= 4 and d >= 0
    else:
        assert d <= exact
        assert exact - d < 8


def test_ad01_scratch_lies_over_its_dying_input_in_every_strategy():
    """The DSP FC widens its input into twice its size of scratch: the scratch may cover the
    input, so ad01's first op needs scratch + output (1,280 + 128 B), not input on top."""
    g = load_model(model("ad01_int8"))
    rules = NativeRules(Target(get_board("mps2-an386")))
    for strategy in ("heuristic", "optimal"):
        plan = plan_memory(g, get_board("mps2-an386"), rules, strategy=strategy,
                           time_limit_s=2.0)
        assert plan.arena_bytes == plan.lower_bound_bytes == 1408, strategy
        assert plan.lower_bound_without_overlap_bytes == 2048
        scratch = [o for o in plan.overlaps if o["output_id"] == "scratch:op0"]
        assert scratch and scratch[0]["input_id"] == g.inputs[0]
        assert scratch[0]["overlap_bytes"] == 640 and scratch[0]["shift_bytes"] == -636
        off, _ = plan.scratch(0)
        assert off - plan.offset(g.inputs[0]) <= -636


@pytest.mark.slow
@pytest.mark.parametrize("ram_ops,arena", [({0}, 896), (set(range(10)), 768)],
                         ids=["balanced", "ram"])
def test_ad01_without_scratch_where_it_peaks_is_bit_exact_with_a_poisoned_arena(ram_ops, arena):
    """What balanced (the first FC without scratch, the others' scratch over their input) and
    ram (every FC without scratch) plan for ad01, run against TFLM with a poisoned arena."""
    from dataclasses import replace
    path = model("ad01_int8")
    g = load_model(path)
    target = replace(DSP, ram_ops=frozenset(ram_ops))
    plan = plan_memory(g, HOST, NativeRules(target), time_limit_s=2.0)
    assert plan.arena_bytes == arena
    used = {LOWERINGS[op.opcode].select(g, op, target).variant for op in g.ops}
    assert used == ({"dsp", "dsp-direct"} if len(ram_ops) == 1 else {"dsp-direct"})
    assert mismatches(path, samples=3, plan=plan, poison=True) == 0


class ScratchForcedPlan(ForcedPlan):
    """The DSP kernels, input at `base`, scratch at `base + shift`, the output above both."""

    def __init__(self, graph, shift):
        op = graph.ops[0]
        x, y = op.inputs[0], op.outputs[0]
        size = LOWERINGS[op.opcode].select(graph, op, DSP).scratch_bytes
        base = max(-shift, 0) + 64
        top = max(base + graph.tensors[x].nbytes, base + shift + size) + 16
        self._offsets = {x: base, y: top}
        self._scratch = (base + shift, size)
        self.arena_bytes = top + graph.tensors[y].nbytes + 64
        self.rules, self.schedule, self.lower_bound_bytes = DSP_RULES, [0], 0

    def scratch(self, op_index):
        return self._scratch if op_index == 0 else None


@pytest.mark.slow
def test_fully_connected_dsp_scratch_over_its_input_and_a_group_past_is_caught(monkeypatch):
    import tinyc.backends.native.lower as lower_mod
    path = int8_model("ram_overlap_dsp_fc_scratch", _fc, [(1, 18)], seed=7)
    g = load_model(path)
    op = g.ops[0]
    assert op.opcode == "FULLY_CONNECTED"
    d = DSP_RULES.scratch_overlap(g, op)
    assert d == -16                          # five groups of four inputs: the last one short
    for shift in (d, d - 4, -40):
        assert mismatches(path, samples=3, plan=ScratchForcedPlan(g, shift), poison=True) == 0
    with pytest.raises(AssertionError, match="scratch .* beyond the kernel's contract"):
        mismatches(path, samples=1, plan=ScratchForcedPlan(g, d + 4))
    monkeypatch.setattr(lower_mod, "check_scratch", lambda *a: None)
    assert mismatches(path, samples=3, plan=ScratchForcedPlan(g, d + 4), poison=True) > 0


def _variants(g, target=DSP):
    return {LOWERINGS[op.opcode].select(g, op, target).variant
            for op in g.ops if op.opcode in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")}


DSP_MODELS = ["kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "person_detect",
              "ad01_int8"]


@pytest.mark.slow
@pytest.mark.parametrize("name", DSP_MODELS)
def test_dsp_overlapping_plan_is_bit_exact_with_a_poisoned_arena(name):
    path = model(name)
    g = load_model(path)
    assert "portable" not in _variants(g)     # every conv/depthwise/FC runs a DSP variant
    plan = plan_memory(g, HOST, DSP_RULES, time_limit_s=2.0)
    # vww and person_detect's expand layers run inside their depthwise ops (every pair with
    # these rules: tests/test_ram_fuse_dsp.py), the poisoned arena checks the window too
    assert bool(plan.fused) == (name in ("vww_96_int8", "person_detect"))
    assert plan.overlaps and max(o["overlap_bytes"] for o in plan.overlaps) > 0
    assert plan.arena_bytes < plan.lower_bound_without_overlap_bytes
    assert mismatches(path, samples=3, plan=plan, poison=True) == 0


class DspForcedPlan(ForcedPlan):
    """ForcedPlan with the DSP kernels and their scratch above both tensors."""

    def __init__(self, graph, shift):
        super().__init__(graph, shift)
        self.rules = DSP_RULES
        op = graph.ops[0]
        size = LOWERINGS[op.opcode].select(graph, op, DSP).scratch_bytes
        self._scratch = (self.arena_bytes, size) if size else None
        self.arena_bytes += size

    def scratch(self, op_index):
        return self._scratch if op_index == 0 else None


def _conv3x3(x):
    import tensorflow as tf
    return tf.keras.layers.Conv2D(6, 3, padding="same", use_bias=True)(x)


def _conv1x1(x):
    import tensorflow as tf
    return tf.keras.layers.Conv2D(6, 1, use_bias=True)(x)


def _dw(x):
    import tensorflow as tf
    return tf.keras.layers.DepthwiseConv2D(3, padding="same")(x)


@pytest.mark.slow
@pytest.mark.parametrize("build,variant", [(_conv3x3, "dsp-im2col"), (_conv1x1, "dsp-1x1"),
                                           (_dw, "dsp_3x3")], ids=["im2col", "1x1", "dw3x3"])
def test_the_bit_exact_check_sees_a_dsp_shift_past_the_contract(build, variant, monkeypatch):
    import tinyc.backends.native.ops.conv2d_dsp as conv_mod
    import tinyc.backends.native.ops.depthwise_conv2d_dsp as dw_mod
    path = int8_model(f"ram_overlap_dsp_{build.__name__}", build, [(1, 8, 7, 4)], seed=3)
    g = load_model(path)
    op = g.ops[0]
    got, = _variants(g)     # the fast-requantization twin (-rqfast) keeps the same loop
    assert got in (variant, variant + "-rqfast"), got
    d = DSP_RULES.overlap(g, op)
    row = g.tensors[op.inputs[0]].shape[2] * g.tensors[op.inputs[0]].shape[3]
    assert d is not None and d < g.tensors[op.inputs[0]].nbytes
    assert mismatches(path, samples=3, plan=DspForcedPlan(g, d), poison=True) == 0
    with pytest.raises(AssertionError, match="beyond the kernel's contract"):
        mismatches(path, samples=1, plan=DspForcedPlan(g, d + row))
    for mod in (conv_mod, dw_mod):
        monkeypatch.setattr(mod, "runs_backward", lambda ctx, op, choice: False)
    assert mismatches(path, samples=3, plan=DspForcedPlan(g, d + row), poison=True) > 0
    u = DSP_RULES.overlap_above(g, op)
    if variant != "dsp_3x3":
        assert u is None
        return
    assert 0 < u < g.tensors[op.inputs[0]].nbytes     # the backward twin, above the input
    monkeypatch.undo()
    assert mismatches(path, samples=3, plan=DspForcedPlan(g, u), poison=True) == 0
    monkeypatch.setattr(dw_mod, "runs_backward", lambda ctx, op, choice: True)
    assert mismatches(path, samples=3, plan=DspForcedPlan(g, u - row), poison=True) > 0


def _fc(x):
    import tensorflow as tf
    return tf.keras.layers.Dense(3)(x)


@pytest.mark.slow
def test_fully_connected_dsp_writes_over_rows_it_has_read(monkeypatch):
    import tinyc.backends.native.ops.fully_connected_dsp as fc_mod
    path = int8_model("ram_overlap_dsp_fc_rows", _fc, [(6, 8)], seed=6)
    g = load_model(path)
    op = next(o for o in g.ops if o.opcode == "FULLY_CONNECTED")
    assert g.ops[0] is op and LOWERINGS["FULLY_CONNECTED"].select(g, op, DSP).variant == "dsp"
    d = DSP_RULES.overlap(g, op)
    assert d == 8 - 3                        # row r's outputs may reach into row r + 1's place
    for shift in (d, 0, -20):
        assert mismatches(path, samples=3, plan=DspForcedPlan(g, shift), poison=True) == 0
    with pytest.raises(AssertionError, match="beyond the kernel's contract"):
        mismatches(path, samples=1, plan=DspForcedPlan(g, d + 1))
    monkeypatch.setattr(fc_mod, "runs_backward", lambda ctx, op, choice: False)
    assert mismatches(path, samples=3, plan=DspForcedPlan(g, d + 8), poison=True) > 0


@pytest.mark.slow
def test_fully_connected_dsp_direct_output_over_its_input(monkeypatch):
    """The scratch-free twin re-reads its row for every block of four outputs: its output may
    only start 4 (blocks - 1) bytes below the row (here -8), and a plan past that goes wrong."""
    import tinyc.backends.native.ops.fully_connected_dsp as fc_mod
    from dataclasses import replace
    path = int8_model("ram_overlap_dsp_fc_direct", _fc9, [(2, 40)], seed=8)
    g = load_model(path)
    op = g.ops[0]
    ram = NativeRules(replace(DSP, optimize="ram"))
    assert LOWERINGS[op.opcode].select(g, op, ram.target).variant == "dsp-direct"
    d = ram.overlap(g, op)
    assert d == -8

    class DirectForcedPlan(DspForcedPlan):
        def __init__(self, graph, shift):
            super().__init__(graph, shift)
            self.rules = ram

    assert mismatches(path, samples=3, plan=DirectForcedPlan(g, d), poison=True) == 0
    with pytest.raises(AssertionError, match="beyond the kernel's contract"):
        mismatches(path, samples=1, plan=DirectForcedPlan(g, d + 4))
    monkeypatch.setattr(fc_mod, "runs_backward", lambda ctx, op, choice: False)
    assert mismatches(path, samples=3, plan=DirectForcedPlan(g, d + 4), poison=True) > 0


def _fc9(x):
    import tensorflow as tf
    return tf.keras.layers.Dense(9)(x)


# the arenas the DSP contracts reach with the default options (no-overlap bound: 16,256 and
# 55,296 B); vww's 48x48x8 -> 16 expand conv and its depthwise run row-streamed on the DSP
# kernels (tests/test_ram_fuse_dsp.py), so its 36,864 B output is never stored
BOARD_ARENAS = {"kws_ref_model": 9 * 1024, "vww_96_int8": 32 * 1024}


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BOARD_ARENAS))
def test_dsp_overlapping_plan_on_the_board(name):
    """Default options on mps2-an386: DSP kernels, overlapping plan, bit-exact over the UART."""
    import json

    from conftest import run_tinyc
    path = model(name)
    g = load_model(path)
    assert "portable" not in _variants(g, Target(get_board("mps2-an386")))
    r = run_tinyc("verify", path, "--board", "mps2-an386", "--samples", 2, "--json",
                  timeout=900)
    assert r.returncode in (0, 1), r.stderr
    rep = json.loads(r.stdout)
    assert rep["samples"] == 2 and rep["mismatched_bytes"] == 0 and rep["bit_exact"], rep
    assert rep["arena_bytes"] <= BOARD_ARENAS[name]


@pytest.mark.qemu
def test_ad01_on_the_board_with_its_scratch_over_the_input():
    """Default options on mps2-an386 (balanced): the first FC runs without scratch, the last
    one's output over its input (1,920 B before), bit-exact against TFLM over the UART; model
    RAM is the arena."""
    import json

    from conftest import run_tinyc
    r = run_tinyc("bench", model("ad01_int8"), "--board", "mps2-an386", "-n", 3, "--json",
                  timeout=900)
    assert r.returncode == 0, r.stderr
    rep, = json.loads(r.stdout)
    assert rep["bit_exact"], rep
    assert rep["model_ram_bytes"] == rep["arena_bytes"] == 896


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
