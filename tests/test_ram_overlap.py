"""Outputs written over their dying inputs (access-order contracts), bit-exact against TFLM.

The contract of a windowed kernel (tinyc/backends/native/access_order.py) is checked three
ways: against a step-by-step replay of the C loop's reads and writes, by running the planner's
overlapping plans with a poisoned arena against the TFLM interpreter, and by showing that a
plan one input row past the contract does go wrong (so the bit-exact check can see it).
"""
from __future__ import annotations

import numpy as np
import pytest

from bitexact import mismatches
from conftest import model
from modelgen import int8_model
from tinyc.backends.native.access_order import window_overlap, window_overlap_above
from tinyc.backends.native.rules import NATIVE_RULES, NativeRules
from tinyc.backends.native.target import Target
from tinyc.boards import get_board
from tinyc.frontend import load_model
from tinyc.planner import plan_memory

HOST = get_board("host")


def kernel_events(in_shape, out_shape, fh, fw, g, depthwise, backward=False):
    """("r", input byte) / ("w", output byte) in the order the C loop makes them."""
    _, ih, iw, ic = in_shape
    _, oh, ow, oc = out_shape

    def order(n):
        return range(n - 1, -1, -1) if backward else range(n)

    events = []
    for oy in order(oh):
        for ox in order(ow):
            p = oy * ow + ox
            for c in order(oc):
                for fy in range(fh):
                    y = oy * g["stride_h"] - g["pad_h"] + fy * g.get("dilation_h", 1)
                    for fx in range(fw):
                        x = ox * g["stride_w"] - g["pad_w"] + fx * g.get("dilation_w", 1)
                        if 0 <= y < ih and 0 <= x < iw:
                            chans = [c // (oc // ic)] if depthwise else range(ic)
                            events += [("r", (y * iw + x) * ic + ch) for ch in chans]
                events.append(("w", p * oc + c))
    return events


def replayed_shift(in_shape, out_shape, fh, fw, g, depthwise):
    """The largest shift the forward loop tolerates, from a replay of its reads and writes:
    each write must land below every input byte read after it."""
    _, ih, iw, ic = in_shape
    best, future_min = None, ih * iw * ic
    for kind, b in reversed(kernel_events(in_shape, out_shape, fh, fw, g, depthwise)):
        if kind == "r":
            future_min = min(future_min, b)
        else:
            s = future_min - b - 1
            best = s if best is None else min(best, s)
    return best


def replayed_above(in_shape, out_shape, fh, fw, g, depthwise):
    """The smallest shift the backward loop tolerates: each write lands above every input
    byte read after it."""
    best, future_end = None, 0
    for kind, b in reversed(kernel_events(in_shape, out_shape, fh, fw, g, depthwise, True)):
        if kind == "r":
            future_end = max(future_end, b + 1)
        else:
            s = future_end - b
            best = s if best is None else max(best, s)
    return best


GEOMETRIES = [  # (in NHWC, out NHWC, fh, fw, stride, pad, dilation, depthwise)
    ((1, 5, 4, 3), (1, 5, 4, 5), 1, 1, 1, 0, 1, False),      # 1x1, widening
    ((1, 5, 4, 6), (1, 5, 4, 2), 1, 1, 1, 0, 1, False),      # 1x1, narrowing
    ((1, 6, 5, 2), (1, 6, 5, 4), 3, 3, 1, 1, 1, False),      # 3x3 SAME
    ((1, 7, 6, 3), (1, 3, 3, 4), 3, 3, 2, 0, 1, False),      # 3x3 stride 2 VALID
    ((1, 8, 8, 1), (1, 4, 4, 3), 3, 2, 2, 1, 1, False),      # 3x2 stride 2 SAME
    ((1, 7, 7, 2), (1, 3, 3, 2), 3, 3, 1, 0, 2, False),      # dilated
    ((1, 6, 5, 4), (1, 6, 5, 4), 3, 3, 1, 1, 1, True),       # depthwise 3x3 SAME
    ((1, 6, 6, 2), (1, 3, 3, 4), 3, 3, 2, 1, 1, True),       # depthwise x2, stride 2
]


@pytest.mark.parametrize("case", GEOMETRIES, ids=str)
def test_contract_never_exceeds_the_replayed_kernel_and_is_tight(case):
    ins, outs, fh, fw, s, pad, dil, dw = case
    g = {"stride_h": s, "stride_w": s, "pad_h": pad, "pad_w": pad,
         "dilation_h": dil, "dilation_w": dil}
    d = window_overlap(ins, outs, fh, fw, g)
    exact = replayed_shift(ins, outs, fh, fw, g, dw)
    assert d <= exact                        # safe: never past what the loop tolerates
    assert exact - d < outs[3] + ins[3]      # and not needlessly far below it
    u = window_overlap_above(ins, outs, fh, fw, g)
    exact = replayed_above(ins, outs, fh, fw, g, dw)
    assert u >= exact
    assert u - exact < outs[3] + ins[3]


OVERLAPPING = ["mobilenet_v2_quantized_1x3x224x224", "kws_ref_model", "str_ww_ref_model",
               "micro_speech_quantized", "vww_96_int8",
               "pretrainedResnet_quant"]


@pytest.mark.slow
@pytest.mark.parametrize("name", OVERLAPPING)
def test_overlapping_plan_is_bit_exact_with_a_poisoned_arena(name):
    path = model(name)
    plan = plan_memory(load_model(path), HOST, NATIVE_RULES, time_limit_s=2.0)
    assert plan.overlaps and max(o["overlap_bytes"] for o in plan.overlaps) > 0
    assert plan.arena_bytes < plan.lower_bound_without_overlap_bytes
    assert mismatches(path, samples=3, plan=plan, poison=True) == 0


class ForcedPlan:
    """Input at `in_off`, output at `in_off + shift`: a plan no planner would make."""
    strategy = "forced"

    def __init__(self, graph, shift):
        op = graph.ops[0]
        x, y = op.inputs[0], op.outputs[0]
        base = max(-shift, 0) + 64
        self._offsets = {x: base, y: base + shift}
        self.arena_bytes = max(base + graph.tensors[x].nbytes,
                               base + shift + graph.tensors[y].nbytes) + 64
        self.rules, self.schedule, self.lower_bound_bytes = NATIVE_RULES, [0], 0

    def offset(self, tid):
        return self._offsets[tid]

    def scratch(self, op_index):
        return None


def _conv(x):
    import tensorflow as tf
    return tf.keras.layers.Conv2D(6, 3, padding="same", use_bias=True)(x)


def _dw(x):
    import tensorflow as tf
    return tf.keras.layers.DepthwiseConv2D(3, padding="same")(x)


@pytest.mark.slow
@pytest.mark.parametrize("build", [_conv, _dw], ids=["conv3x3", "depthwise3x3"])
def test_the_bit_exact_check_sees_a_shift_past_the_contract(build, monkeypatch):
    import tinyc.backends.native.ops.conv2d as conv_mod
    import tinyc.backends.native.ops.depthwise_conv2d as dw_mod
    path = int8_model(f"ram_overlap_{build.__name__}", build, [(1, 8, 7, 4)], seed=3)
    g = load_model(path)
    op = g.ops[0]
    d, u = NATIVE_RULES.overlap(g, op), NATIVE_RULES.overlap_above(g, op)
    assert d is not None and d < 0 < u < g.tensors[op.inputs[0]].nbytes
    row = g.tensors[op.inputs[0]].shape[2] * g.tensors[op.inputs[0]].shape[3]
    # at the contract's edges: forward below the input, the backward twin above it
    assert mismatches(path, samples=3, plan=ForcedPlan(g, d), poison=True) == 0
    assert mismatches(path, samples=3, plan=ForcedPlan(g, u), poison=True) == 0
    # one input row past either edge: the generator refuses the plan...
    with pytest.raises(AssertionError, match="beyond the kernel's contract"):
        mismatches(path, samples=1, plan=ForcedPlan(g, d + row))
    # ...and if it ran the kernel anyway, the bytes would be wrong
    for backward, shift in ((False, d + row), (True, u - row)):
        for mod in (conv_mod, dw_mod):
            monkeypatch.setattr(mod, "runs_backward", lambda ctx, op, choice, b=backward: b)
        assert mismatches(path, samples=3, plan=ForcedPlan(g, shift), poison=True) > 0


def _pad(x):
    import tensorflow as tf
    return tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]])


@pytest.mark.slow
def test_pad_writes_over_its_input_backward_and_a_row_less_is_caught(monkeypatch):
    import tinyc.backends.native.ops.pad as pad_mod
    from modelgen import int8_fn_model
    path = int8_fn_model("ram_overlap_pad", _pad, [(1, 6, 5, 3)], seed=4)
    g = load_model(path)
    assert [op.opcode for op in g.ops] == ["PAD"]
    op = g.ops[0]
    u = NATIVE_RULES.overlap_above(g, op)
    assert NATIVE_RULES.overlap(g, op) is None
    row = g.tensors[op.outputs[0]].shape[2] * g.tensors[op.outputs[0]].shape[3]
    assert u == -(1 * row + 2 * 3)          # the output starts its padding below the input
    assert mismatches(path, samples=3, plan=ForcedPlan(g, u), poison=True) == 0
    assert mismatches(path, samples=3, plan=ForcedPlan(g, 0), poison=True) == 0
    monkeypatch.setattr(pad_mod, "runs_backward", lambda ctx, op, choice: True)
    assert mismatches(path, samples=3, plan=ForcedPlan(g, u - row), poison=True) > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["vww_96_int8", "person_detect"])
def test_expand_and_depthwise_run_row_streamed_bit_exact(name):
    path = model(name)
    g = load_model(path)
    plan = plan_memory(g, HOST, NATIVE_RULES, time_limit_s=2.0)
    assert plan.fused
    assert plan.arena_bytes <= 32 * 1024          # the expand conv's output is never stored
    for j, k in plan.fused.items():
        with pytest.raises(KeyError):
            plan.offset(g.ops[j].outputs[0])
    assert mismatches(path, samples=3, plan=plan, poison=True) == 0
    speed = plan_memory(g, HOST, NativeRules(Target(None, "portable", optimize="speed")),
                        time_limit_s=2.0)
    assert not speed.fused and speed.arena_bytes > plan.arena_bytes


def _expand_dw(x):
    import tensorflow as tf
    y = tf.keras.layers.Conv2D(12, 1, activation="relu")(x)
    return tf.keras.layers.DepthwiseConv2D(3, strides=2, padding="same")(y)


@pytest.mark.slow
def test_row_streamed_pair_on_its_own_and_a_short_ring_is_refused():
    path = int8_model("ram_expand_dw", _expand_dw, [(1, 9, 7, 4)], seed=5)
    g = load_model(path)
    assert [op.opcode for op in g.ops] == ["CONV_2D", "DEPTHWISE_CONV_2D"]
    plan = plan_memory(g, HOST, NATIVE_RULES)
    assert plan.fused == {0: 1}
    assert plan.scratch(1)[1] == 3 * 7 * 12      # three rows of the 1x1 output
    assert mismatches(path, samples=5, plan=plan, poison=True) == 0
    off, size = plan.scratch(1)
    plan._scratch[1] = (off, size - 1)
    with pytest.raises(AssertionError, match="ring"):
        mismatches(path, samples=1, plan=plan)


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
