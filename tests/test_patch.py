"""Patch-based execution (--patch): the first stage of a CNN in N x N spatial patches with their
halo, bit-exact against the TFLM interpreter with a poisoned arena, portable and DSP kernels."""
from __future__ import annotations

import json

import numpy as np
import pytest

from bitexact import mismatches
from conftest import model, run_tinyc
from modelgen import int8_model
from tinyc.backends.native.patch import (PatchSpec, Region, patches, report, splits, stages,
                                         stage_output, valid_split)
from tinyc.backends.native.rules import NativeRules
from tinyc.backends.native.target import Target
from tinyc.boards import get_board
from tinyc.frontend import load_model
from tinyc.planner import plan_memory

HOST = get_board("host")
KERNELS = {"portable": Target(HOST, "portable"),
           "dsp": Target(HOST, features=frozenset({"dsp"}))}


def _same_chain(x):
    import tensorflow as tf
    L = tf.keras.layers
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    x = L.DepthwiseConv2D(3, padding="same", activation="relu6")(x)
    x = L.Conv2D(12, 1, activation="relu")(x)
    x = L.DepthwiseConv2D(3, strides=2, padding="same")(x)
    x = L.ReLU()(x)
    x = L.Conv2D(16, 1)(x)
    x = L.DepthwiseConv2D(5, dilation_rate=2, padding="same")(x)
    x = L.GlobalAveragePooling2D()(x)
    return L.Dense(5)(x)


def _valid_chain(x):
    import tensorflow as tf
    L = tf.keras.layers
    x = L.Conv2D(6, 3, strides=2, activation="relu")(x)
    x = L.DepthwiseConv2D(3, activation="relu")(x)
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2D(10, 1, activation="relu6")(x)
    x = L.DepthwiseConv2D(3, strides=2, depth_multiplier=2)(x)
    x = L.Flatten()(x)
    return L.Dense(4)(x)


MODELS = {  # odd sizes, so the patches are uneven
    "same": lambda: int8_model("patch_same_chain", _same_chain, [(1, 37, 29, 3)]),
    "valid": lambda: int8_model("patch_valid_chain", _valid_chain, [(1, 43, 39, 2)]),
}


def _deepest(g, n: int = 2) -> tuple[int, ...]:
    """The longest stage whose output is at least n pixels high and wide."""
    return [ops for ops in stages(g) if valid_split(g, PatchSpec(ops, n))][-1]


def _patched_plan(g, target, spec):
    from dataclasses import replace
    return plan_memory(g, HOST, NativeRules(replace(target, patch=spec)), strategy="heuristic")


def test_patches_tile_the_stage_output_exactly():
    g = load_model(MODELS["same"]())
    spec = PatchSpec(_deepest(g, 3), 3)
    _, h, w, _ = g.tensors[stage_output(g, spec)].shape
    seen = np.zeros((h, w), int)
    for layers in patches(g, spec):
        r = layers[-1].writes
        seen[r.y0:r.y1, r.x0:r.x1] += 1
    assert (seen == 1).all()
    assert splits(10, 3) == [(0, 3), (3, 6), (6, 10)]


def test_the_report_and_the_generated_program_agree_on_the_buffers():
    from tinyc.backends.native.patch import buffer_bytes
    from tinyc.backends.native.patch_lower import program
    g = load_model(MODELS["valid"]())
    for n in (2, 3):
        spec = PatchSpec(_deepest(g, n), n)
        prog = program(g, spec)
        assert buffer_bytes(g, spec) == prog.buffer_bytes
        layers = [c for c in prog.calls if c.op is not None]
        assert len(layers) == n * n * len(spec.ops)     # one call per patch and layer


def test_patch_regions_reach_into_the_padding_and_cost_extra_macs():
    g = load_model(MODELS["same"]())
    spec = PatchSpec(_deepest(g), 2)
    first = patches(g, spec)[0][0]            # top-left patch, first layer (3x3 s2 SAME)
    assert first.reads.y0 <= 0 and first.reads.x0 <= 0
    rep = report(g, spec)
    assert rep["patches"] == 4 and rep["stage_ops"] == list(spec.ops)
    assert rep["extra_macs"] > 0 and rep["extra_macs_pct"] > 0


@pytest.mark.fast_first
@pytest.mark.parametrize("kernels", list(KERNELS))
@pytest.mark.parametrize("n", [2, 3, 4])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_patched_stage_is_bit_exact_with_a_poisoned_arena(name, n, kernels):
    path = MODELS[name]()
    g = load_model(path)
    spec = PatchSpec(_deepest(g, n), n)
    plan = _patched_plan(g, KERNELS[kernels], spec)
    stored = {e["id"] for e in plan.buffers}
    inside = {g.ops[k].outputs[0] for k in spec.ops[:-1]}
    assert not stored & inside                 # the stage's intermediates are never stored
    assert plan.scratch(spec.ops[-1])          # the patch buffers are
    variants = _layer_variants(g, spec, plan.rules.target)
    if kernels == "portable":
        assert variants == {"portable"}
    else:                                      # the patch layers run the DSP kernels
        assert any(v.startswith("dsp") for v in variants), variants
    assert mismatches(path, samples=3, plan=plan, poison=True) == 0


def _layer_variants(g, spec, target) -> set[str]:
    """The kernel variants the patch layers call."""
    from tinyc.backends.native.lower import lowering_for
    from tinyc.backends.native.patch_lower import program
    prog = program(g, spec)
    return {lowering_for(prog.graph, c.op).select(prog.graph, c.op, target).variant
            for c in prog.calls if c.op is not None}


def _wide_first_layer(x):
    import tensorflow as tf
    L = tf.keras.layers
    x = L.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = L.DepthwiseConv2D(3, strides=2, padding="same")(x)
    x = L.Conv2D(8, 1)(x)
    x = L.GlobalAveragePooling2D()(x)
    return L.Dense(3)(x)


def _wide():
    return int8_model("patch_wide_first", _wide_first_layer, [(1, 41, 35, 1)])


def test_patches_shrink_the_arena_of_a_wide_first_layer():
    """One channel in, 16 out at full size: the stored 41x35x16 tensor is what patches save."""
    path = _wide()
    g = load_model(path)
    plain = plan_memory(g, HOST, NativeRules(KERNELS["portable"]), strategy="heuristic")
    plan = _patched_plan(g, KERNELS["portable"], PatchSpec(_deepest(g, 3), 3))
    assert plan.arena_bytes < plain.arena_bytes // 2
    assert mismatches(path, samples=3, plan=plan, poison=True) == 0


def test_a_wrong_padding_value_is_seen(monkeypatch):
    """The bit-exact check sees a halo filled with anything but the zero point."""
    from tinyc.backends.native import patch_lower
    real = patch_lower._copy

    def off_by_one(graph, like, have, region, dst_y, dst_x, dst_w):
        f = real(graph, like, have, region, dst_y, dst_x, dst_w)
        return {**f, "fill": f["fill"] + 1}
    monkeypatch.setattr(patch_lower, "_copy", off_by_one)
    path = MODELS["same"]()
    g = load_model(path)
    plan = _patched_plan(g, KERNELS["portable"], PatchSpec(_deepest(g), 2))
    assert mismatches(path, samples=2, plan=plan) > 0


def test_plan_json_reports_the_patch():
    path = _wide()
    r = run_tinyc("plan", path, "--board", "host", "--patch", "3", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    p = doc["patch"]
    assert p["per_side"] == 3 and p["patches"] == 9 and p["extra_macs"] > 0
    assert set(p) >= {"stage_ops", "extra_macs_pct", "buffer_bytes"}
    off = json.loads(run_tinyc("plan", path, "--board", "host", "--json").stdout)
    assert off["patch"] is None and off["arena_bytes"] > doc["arena_bytes"]


@pytest.mark.parametrize("args, says", [
    (["--patch", "9"], "--patch takes auto, off or a number"),
    (["--patch", "x"], "--patch takes auto, off or a number"),
    (["--patch", "2", "--backend", "tflm"], "use it with --backend native"),
])
def test_bad_patch_options_end_in_one_error_line(args, says):
    r = run_tinyc("plan", MODELS["same"](), "--board", "host", *args)
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and says in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_a_model_without_a_stage_refuses_patch_n():
    path = int8_model("patch_dense_only", lambda x: __import__("tensorflow").keras.layers
                      .Dense(3)(x), [(1, 8)])
    r = run_tinyc("plan", path, "--board", "host", "--patch", "2")
    assert r.returncode == 2 and r.stderr.startswith("error: --patch 2: this model has no stage")


@pytest.mark.slow
def test_person_detect_patch_auto_on_host_is_bit_exact():
    path = model("person_detect")
    from tinyc.backends.native.backend import NativeBackend
    g = load_model(path)
    plan = NativeBackend().plan(g, get_board("mps2-an386"), "heuristic", patch="auto")
    assert plan.rules.target.patch is not None
    host_plan = _patched_plan(g, KERNELS["dsp"], plan.rules.target.patch)
    assert mismatches(path, samples=2, plan=host_plan, poison=True) == 0
    assert Region(0, 1, 0, 1).h == 1


def _stage_only(x):
    import tensorflow as tf
    L = tf.keras.layers
    x = L.Conv2D(8, 3, strides=2, padding="same")(x)
    return L.DepthwiseConv2D(3, padding="same")(x)


class ForcedStagePlan:
    """Stage input at `base`, its output at `base + shift`, the patch scratch far above both:
    a plan no planner would make past the contract."""
    strategy, alignment, lower_bound_bytes = "forced", 16, 0

    def __init__(self, graph, spec, shift):
        from dataclasses import replace
        from tinyc.backends.native.patch_lower import stage_scratch_bytes
        x, y = graph.inputs[0], graph.outputs[0]
        self.rules = NativeRules(replace(KERNELS["portable"], patch=spec))
        self.schedule = [op.index for op in graph.ops]
        base = (max(-shift, 0) + 64) // 16 * 16
        self._offsets = {x: base, y: base + shift}
        top = max(base + graph.tensors[x].nbytes, base + shift + graph.tensors[y].nbytes)
        top = (top + 64) // 16 * 16
        need = stage_scratch_bytes(graph, spec, self.rules.target)
        self._scratch = {spec.ops[-1]: (top, need)}
        self.arena_bytes = top + need + 64

    def offset(self, tid):
        return self._offsets[tid]

    def scratch(self, op_index):
        return self._scratch.get(op_index)


@pytest.mark.slow
def test_stage_output_over_its_input_up_to_the_contract_and_a_row_past_is_caught():
    from tinyc.backends.native.patch import stage_overlap
    path = int8_model("patch_stage_only", _stage_only, [(1, 17, 13, 3)], seed=5)
    g = load_model(path)
    spec = PatchSpec(stages(g)[-1], 3)
    d = stage_overlap(g, spec)
    y = g.tensors[g.outputs[0]]
    assert -y.nbytes < d < 0                   # the first patch row writes ahead of the input
    row = y.shape[2] * y.shape[3]
    assert mismatches(path, samples=3, plan=ForcedStagePlan(g, spec, d // 16 * 16),
                      poison=True) == 0
    assert mismatches(path, samples=3, plan=ForcedStagePlan(g, spec, d + row), poison=True) > 0
    # and the planner takes the contract: the stage's input and output share bytes
    from dataclasses import replace
    plan = plan_memory(g, HOST, NativeRules(replace(KERNELS["portable"], patch=spec)),
                       strategy="optimal", time_limit_s=5.0)
    assert any(o["op"] == spec.ops[-1] and o["overlap_bytes"] > 0 for o in plan.overlaps)
    assert mismatches(path, samples=3, plan=plan, poison=True) == 0


def _bench(path, patch):
    r = run_tinyc("bench", path, "--board", "mps2-an386", "--patch", patch, "-n", "2", "--json",
                  timeout=1800)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)[0]
    assert rep["bit_exact"] and rep["instructions_per_inference"] > 0
    return rep


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("name", ["person_detect", "vww_96_int8"])
def test_patch_auto_is_bit_exact_on_mps2_an386_and_within_balanced(name):
    """Both fit without patches: auto patches only for less model RAM at no more than 5 % more
    instructions, measured (QEMU -icount, exact). vww's unpatched arena is the smaller one."""
    path = model(name)
    rep, off = _bench(path, "auto"), _bench(path, "off")
    assert rep["instructions_per_inference"] <= 1.05 * off["instructions_per_inference"]
    p = rep["patch"]
    if p is None:
        assert name != "person_detect"     # 9 KB less for 4.7 % more instructions (4 x 4)
        assert rep["model_ram_bytes"] == off["model_ram_bytes"]
        return
    assert p["stage_ops"][0] == 0 and p["patches"] == p["per_side"] ** 2
    assert rep["model_ram_bytes"] < off["model_ram_bytes"]


def test_without_patch_option_patches_are_tried_only_when_the_model_does_not_fit():
    from dataclasses import replace
    from tinyc.backends.native.backend import NativeBackend
    from tinyc.budget import estimate
    be = NativeBackend()
    g = load_model(_wide())
    plain = be.plan(g, HOST, "heuristic", patch="off")
    assert be.plan(g, HOST, "heuristic").rules.target.patch is None     # fits: no patches
    need = estimate(g, plain, HOST, plain.rules).ram["total"]
    small = replace(HOST, ram_bytes=need - 1, reserve_ram_bytes=0)
    plan = be.plan(g, small, "heuristic")
    assert plan.rules.target.patch is not None and plan.arena_bytes < plain.arena_bytes
    assert estimate(g, plan, small, plan.rules).fits_ram
    assert be.plan(g, small, "heuristic", patch="off").rules.target.patch is None
    tiny = replace(HOST, ram_bytes=need // 4, reserve_ram_bytes=0)     # fits with no patches
    assert not estimate(g, be.plan(g, tiny, "heuristic"), tiny, plain.rules).fits_ram


@pytest.mark.parametrize("allowed, expect", [(None, None), ({3}, 3), ({2, 3, 4}, "least arena")])
def test_auto_takes_only_splits_whose_estimated_cost_is_within_balanced(monkeypatch, allowed,
                                                                         expect):
    """`auto` on a model that fits anyway asks patch_cost for each split's cost (stubbed here:
    0 % for the allowed N, just over the 5 % otherwise) and never takes one over the budget."""
    from tinyc.backends.native import patch_choice
    from tinyc.backends.native.backend import NativeBackend
    asked = []

    def stub(graph, spec, target):
        asked.append(spec.n)
        return 0.0 if allowed and spec.n in allowed else 5.01
    monkeypatch.setattr(patch_choice, "extra_instructions_pct", stub)
    g = load_model(_wide())
    plan = NativeBackend().plan(g, HOST, "heuristic", patch="auto")
    assert set(asked) >= {2, 3, 4}
    spec = plan.rules.target.patch
    if expect is None:
        assert spec is None
    elif expect == "least arena":
        assert spec is not None and spec.n in allowed
    else:
        assert spec is not None and spec.n == expect


def test_patch_cost_counts_the_halo_at_each_ops_own_figure_plus_calls_and_copies(monkeypatch):
    """With the per-call, per-row, edge and copy terms zeroed, the estimate is exactly the
    report's extra MACs, op by op, at each op's shape figure; each term then adds its share."""
    from dataclasses import replace
    from tinyc.backends.native import patch_cost, target as target_mod
    from tinyc.backends.native.balance import _select
    from tinyc.backends.native.patch import patch_macs_per_op
    from tinyc.ops import macs
    g = load_model(MODELS["same"]())
    t = KERNELS["dsp"]
    spec = PatchSpec(_deepest(g, 3), 3)
    full = patch_cost.extra_instructions(g, spec, t)
    zero = {"call_instructions": 0.0, "row_instructions": 0.0, "edge_instructions": 0.0}
    real_select = patch_cost._select
    monkeypatch.setattr(patch_cost, "_select",
                        lambda graph, op, tt: replace(real_select(graph, op, tt), **zero))
    monkeypatch.setattr(patch_cost, "COPY_ROW_INSTRUCTIONS", 0.0)
    monkeypatch.setattr(patch_cost, "COPY_BYTE_INSTRUCTIONS", 0.0)
    halo = sum(_select(g, g.ops[k], t).shape_instructions(n - macs(g, g.ops[k]))
               for k, n in patch_macs_per_op(g, spec).items())
    assert halo > 0 and patch_cost.extra_instructions(g, spec, t) == pytest.approx(halo)
    monkeypatch.setattr(patch_cost, "COPY_BYTE_INSTRUCTIONS", 1.0)
    copies = patch_cost.extra_instructions(g, spec, t) - halo
    assert copies > 0 and full != halo
    assert target_mod.KernelChoice(None).call_instructions == target_mod.CALL_INSTRUCTIONS


def test_a_model_that_misses_even_with_patches_says_so_and_by_how_much():
    from dataclasses import replace
    from tinyc.backends.native.backend import NativeBackend
    from tinyc.budget import check_fits, estimate
    from tinyc.errors import TinycError
    be = NativeBackend()
    g = load_model(_wide())
    plain = be.plan(g, HOST, "heuristic", patch="off")
    tiny = replace(HOST, ram_bytes=estimate(g, plain, HOST, plain.rules).ram["total"] // 4,
                   reserve_ram_bytes=0)
    plan = be.plan(g, tiny, "heuristic")
    assert plan.rules.target.patch is None and plan.patches_tried["max_n"] == 8
    with pytest.raises(TinycError) as e:
        check_fits(g, plan, tiny, estimate(g, plan, tiny, plan.rules))
    assert "patches were tried (--patch 2 to 8)" in e.value.message
    assert "still misses by" in e.value.message and "\n" not in e.value.message
