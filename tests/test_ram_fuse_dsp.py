"""The row-streamed 1x1 + depthwise pair on the DSP kernels (fusion.py,
firmware/kernels/pointwise_depthwise_s8_dsp.c), bit-exact against TFLM with a poisoned arena:
the driver slides a window of the 1x1 output's rows and calls the two DSP kernels the ops
chose, so every stride, padding, channel count and row count they handle must come out as
the two ops apart do. On the host the DSP intrinsics are emulated (tinyc_simd.h)."""
from __future__ import annotations

import pytest

from bitexact import mismatches
from conftest import model
from modelgen import int8_model
from tinyc.backends.native.fusion import pair_kind, pair_scratch_bytes, ring_bytes
from tinyc.backends.native.lower import LOWERINGS
from tinyc.backends.native.rules import NativeRules
from tinyc.backends.native.target import Target
from tinyc.boards import get_board
from tinyc.frontend import load_model
from tinyc.planner import plan_memory

HOST = get_board("host")
DSP = Target(HOST, features=frozenset({"dsp"}))

# name -> (input NHWC, 1x1 filters, depthwise kernel, stride, padding, depth multiplier,
#          activation, the variants the two ops choose)
PAIRS = {
    "c8_oc16_s1_same": ((1, 8, 6, 8), 16, 3, 1, "same", 1, None,
                        ("dsp-1x1-cn-rqfast", "dsp_3x3")),
    "c8_oc16_s2_same_odd_rows": ((1, 9, 7, 8), 16, 3, 2, "same", 1, "relu",
                                 ("dsp-1x1-cn-rqfast", "dsp_3x3")),
    "c5_oc13_s2_valid_odd_channels": ((1, 9, 7, 5), 13, 3, 2, "valid", 1, "relu6",
                                      ("dsp-1x1-rqfast", "dsp_3x3")),
    "c16_oc33_s1_valid_odd_width": ((1, 7, 5, 16), 33, 3, 1, "valid", 1, None,
                                    ("dsp-1x1-cn-rqfast", "dsp_3x3")),
    "c3_oc10_k5x3_s1_same": ((1, 8, 7, 3), 10, (5, 3), 1, "same", 1, "relu",
                             ("dsp-1x1-rqfast", "dsp")),
    "c4_oc6_k1_s2_skips_rows": ((1, 9, 6, 4), 6, 1, 2, "valid", 1, None,
                                ("dsp-1x1-rqfast", "dsp")),
    "c2_oc3_dm4": ((1, 6, 5, 2), 3, 3, 1, "same", 4, None, ("dsp-1x1-rqfast", "dsp_mult")),
}


def _pair_model(name):
    shape, oc, k, s, pad, dm, act, _ = PAIRS[name]

    def build(x, oc=oc, k=k, s=s, pad=pad, dm=dm, act=act):
        import tensorflow as tf
        y = tf.keras.layers.Conv2D(oc, 1, activation=act)(x)
        return tf.keras.layers.DepthwiseConv2D(k, strides=s, padding=pad, depth_multiplier=dm,
                                               activation=act)(y)
    return int8_model(f"fuse_dsp_{name}", build, [shape], seed=7)


def _variants(g, target=DSP):
    return tuple(LOWERINGS[op.opcode].select(g, op, target).variant for op in g.ops)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PAIRS))
def test_dsp_pair_runs_row_streamed_bit_exact(name):
    path = _pair_model(name)
    g = load_model(path)
    assert [op.opcode for op in g.ops] == ["CONV_2D", "DEPTHWISE_CONV_2D"]
    assert _variants(g) == PAIRS[name][-1]
    assert pair_kind(g, 0, 1, DSP) == "dsp"
    plan = plan_memory(g, HOST, NativeRules(DSP))
    assert plan.fused == {0: 1}
    with pytest.raises(KeyError):             # the 1x1 output is never stored
        plan.offset(g.ops[0].outputs[0])
    window = ring_bytes(g, g.ops[1])
    assert plan.scratch(1)[1] == pair_scratch_bytes(g, 0, 1, DSP) > window
    assert mismatches(path, samples=5, plan=plan, poison=True) == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["c8_oc16_s2_same_odd_rows", "c5_oc13_s2_valid_odd_channels"])
def test_dsp_pair_with_exact_requantization_bit_exact(name, monkeypatch):
    """The 1x1 kernels' RQ_EXACT flavours (layers RQ_FAST does not fit) in the pair."""
    import tinyc.backends.native.ops.conv2d_dsp as conv_mod
    monkeypatch.setattr(conv_mod, "fast_channels", lambda nums, offset: None)
    path = _pair_model(name)
    g = load_model(path)
    assert _variants(g)[0] == PAIRS[name][-1][0].replace("-rqfast", "")
    plan = plan_memory(g, HOST, NativeRules(DSP))
    assert plan.fused == {0: 1}
    assert mismatches(path, samples=5, plan=plan, poison=True) == 0


@pytest.mark.slow
def test_a_short_dsp_window_is_refused():
    path = _pair_model("c8_oc16_s2_same_odd_rows")
    g = load_model(path)
    plan = plan_memory(g, HOST, NativeRules(DSP))
    off, size = plan.scratch(1)
    plan._scratch[1] = (off, size - 1)
    with pytest.raises(AssertionError, match="window"):
        mismatches(path, samples=1, plan=plan)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["vww_96_int8", "person_detect"])
def test_dsp_pairs_of_whole_models_bit_exact_with_a_poisoned_arena(name):
    path = model(name)
    g = load_model(path)
    plan = plan_memory(g, HOST, NativeRules(DSP), time_limit_s=2.0)
    assert plan.fused and all(pair_kind(g, j, k, DSP) == "dsp" for j, k in plan.fused.items())
    assert plan.arena_bytes <= 32 * 1024
    assert mismatches(path, samples=2, plan=plan, poison=True) == 0


pytestmark = pytest.mark.fast_first


BOARD = get_board("mps2-an386")


@pytest.mark.slow
def test_balanced_fuses_only_the_dsp_pair_at_the_peak_and_speed_none():
    """Default options on the DSP board: the expand pair whose 36,864 B output is vww's peak
    runs row-streamed (its cost, DSP_PAIR_OVERHEAD, fits the 5 %); the pairs that do not lower
    the arena are undone; --optimize speed fuses nothing."""
    from tinyc.backends.native.backend import NativeBackend
    g = load_model(model("vww_96_int8"))
    plan = NativeBackend().plan(g, BOARD, time_limit_s=2.0)
    assert plan.fused == {2: 3}
    assert pair_kind(g, 2, 3, plan.rules.target) == "dsp"
    assert plan.arena_bytes <= 32 * 1024
    speed = NativeBackend().plan(g, BOARD, time_limit_s=2.0, optimize="speed")
    assert not speed.fused and speed.arena_bytes > 32 * 1024


@pytest.mark.slow
def test_balanced_leaves_a_dsp_pair_apart_when_it_costs_more_than_five_percent(monkeypatch):
    import tinyc.backends.native.fusion as fusion
    from tinyc.backends.native.backend import NativeBackend
    g = load_model(model("vww_96_int8"))
    monkeypatch.setattr(fusion, "DSP_PAIR_OVERHEAD", 1.0)    # a pair twice as slow as apart
    plan = NativeBackend().plan(g, BOARD, time_limit_s=2.0)
    assert not plan.fused and plan.arena_bytes > 32 * 1024
    ram = NativeBackend().plan(g, BOARD, time_limit_s=2.0, optimize="ram")
    assert ram.fused and ram.arena_bytes <= 32 * 1024        # whatever it costs


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("name", ["vww_96_int8", "person_detect"])
def test_default_build_on_the_board_is_bit_exact_within_32_kib(name, tmp_path):
    """Default options on mps2-an386 (DSP kernels, balanced): the pair runs fused on the
    board, every output byte equals TFLM's, and the model's RAM is at most 32 KiB."""
    import json

    from conftest import run_tinyc
    path = model(name)
    r = run_tinyc("verify", path, "--board", "mps2-an386", "--samples", 3, "--json",
                  timeout=900)
    assert r.returncode in (0, 1), r.stderr
    rep = json.loads(r.stdout)
    assert rep["samples"] == 3 and rep["mismatched_bytes"] == 0 and rep["bit_exact"], rep
    r = run_tinyc("bench", path, "--board", "mps2-an386", "--json", timeout=900)
    assert r.returncode == 0, r.stderr
    bench, = json.loads(r.stdout)
    assert bench["bit_exact"] and bench["model_ram_bytes"] <= 32 * 1024, bench
    r = run_tinyc("build", path, "--board", "mps2-an386", "-o", tmp_path / "out",
                  "--no-compile", "--json", timeout=900)
    assert r.returncode == 0, r.stderr
    variants = {v["op"]: v["variant"] for v in json.loads(r.stdout)["native_kernel_variants"]}
    assert variants[3] == "pointwise-depthwise-dsp", variants


def test_profile_counts_the_fused_conv_macs_in_the_pair_kernel_row():
    from tinyc.ops import macs
    from tinyc.verify import profile_rows
    g = load_model(model("vww_96_int8"))
    variants = [{"op": 3, "opcode": "DEPTHWISE_CONV_2D", "variant": "pointwise-depthwise-dsp"}]
    rows = profile_rows(g, [1000] * len(g.ops), "instructions", variants)
    assert rows[3]["macs"] == macs(g, g.ops[2]) + macs(g, g.ops[3])
    assert rows[2]["macs"] == 0 and rows[2]["instructions_per_mac"] is None
    assert sum(r["macs"] for r in rows) == sum(macs(g, op) for op in g.ops)
