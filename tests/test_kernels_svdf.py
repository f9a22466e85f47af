"""SVDF (int8 state, and int16 state with int16 time weights) against the TFLM interpreter,
byte for byte, over sequences of invokes: the state each invoke leaves is what the next reads.

The models are built as flatbuffers (tests/svdfgen.py): TensorFlow's converter emits SVDF only
for a few graph patterns. TFLM's integer SVDF ignores the fused activation (its reference
kernel clamps to the int8 range only); the RELU cases, with an output zero point above -128,
show tinyc does the same.
"""
from __future__ import annotations

import json

import pytest

from bitexact import mismatches
from conftest import model, run_tinyc
from svdfgen import svdf_model
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.errors import TinycError
from tinyc.frontend import load_model, read_model
from tinyc.frontend.tflite import parse_model
from tinyc.planner.plan import plan_memory
from tinyc.reference import random_inputs, tflm_outputs

CASES = {
    "int8": dict(),
    "int8_rank2_batch3_relu": dict(rank=2, batch=3, activation="RELU", output_zp=5),
    "int8_memory1": dict(memory=1, units=5, input_zp=0),
    "int8_zero_points_at_the_ends": dict(input_zp=127, state_zp=-128, output_zp=-128),
    "int8_state_zp_127": dict(state_zp=127, rank=3, units=4, input_size=7),
    "int16": dict(state="int16", state_zp=0),
    "int16_state_zp_rank2_batch2": dict(state="int16", state_zp=100, rank=2, batch=2),
    "int16_relu_memory9": dict(state="int16", state_zp=-7, memory=9, activation="RELU",
                               output_zp=-20, input_size=33),
}


@pytest.mark.fast_first
@pytest.mark.parametrize("case", CASES)
def test_svdf_sequence_matches_tflm(case):
    """Eight invokes in a row, the arena poisoned before each (but the state): bit-exact."""
    assert mismatches(svdf_model(**CASES[case]), samples=8, seed=1, poison=True) == 0


@pytest.mark.parametrize("case", ["int8_rank2_batch3_relu", "int16_state_zp_rank2_batch2"])
def test_svdf_planned_arena(case):
    path = svdf_model(**CASES[case])
    g = load_model(path)
    plan = plan_memory(g, get_board("host"), rules=NATIVE_RULES)
    assert mismatches(path, samples=5, seed=2, plan=plan) == 0


def test_state_is_what_makes_the_difference():
    """The same input twice gives two different outputs in TFLM: the tests above compare
    sequences in which the state matters."""
    path = svdf_model(**CASES["int8"])
    g = read_model(path)
    x = random_inputs(g, 1, seed=3)[0]
    a, b = tflm_outputs(g, [x, x])
    assert a[0].tobytes() != b[0].tobytes()


# ---- what TFLM's Prepare refuses (or would misread), tinyc refuses -------------------------

REFUSED = {
    # TFLM: |bias scale - state scale x weights_time scale| < 1e-5
    "bias_scale": (dict(bias_scale=0.5), "bias scale", True),
    # TFLM: the activation state must be a variable tensor (tinyc: nothing writes it)
    "state_not_variable": (dict(variable=False), "'state' is read before any op writes it",
                           True),
    # TFLM's Eval reads the state with weights_time's type: int16 time weights on an int8
    # state would run past it
    "state_type_differs": (dict(state="int8", weights_time="int16"), "weights_time", False),
}


@pytest.mark.parametrize("case", REFUSED)
def test_svdf_refusals(case):
    kw, words, tflm_refuses = REFUSED[case]
    path = svdf_model(**kw)
    with pytest.raises(TinycError) as e:
        load_model(path)
    msg = e.value.message
    assert "op 0 SVDF" in msg and words in msg and "\n" not in msg, msg
    if tflm_refuses:
        g = parse_model(path)      # past the validator on purpose
        with pytest.raises(TinycError, match="refuses"):
            tflm_outputs(g, random_inputs(g, 1, 0))


def test_inspect_counts_svdf_macs():
    r = run_tinyc("inspect", svdf_model(**CASES["int8_rank2_batch3_relu"]), "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["supported"] is True
    # batch x filters x (input_size + memory) = 3 x 12 x (12 + 4)
    assert rep["ops"][0]["macs"] == 3 * 12 * 16


# ---- the shared keyword_scrambled_8bit (7 SVDF, int8 state) ---------------------------------

@pytest.mark.slow
def test_keyword_scrambled_host():
    r = run_tinyc("verify", model("keyword_scrambled_8bit"), "--board", "host", "--samples", "10",
                  "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["bit_exact"] and rep["samples"] == 10


@pytest.mark.qemu
@pytest.mark.parametrize("case", ["int8_rank2_batch3_relu", "int16_state_zp_rank2_batch2"])
def test_svdf_mps2_an386(case):
    """Both state types on the Cortex-M4 board, six invokes in a row."""
    r = run_tinyc("verify", svdf_model(**CASES[case]), "--board", "mps2-an386", "--samples", "6",
                  "--json", timeout=900)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["bit_exact"]


@pytest.mark.qemu
@pytest.mark.slow
def test_keyword_scrambled_mps2_an386():
    r = run_tinyc("verify", model("keyword_scrambled_8bit"), "--board", "mps2-an386",
                  "--samples", "10", "--json", timeout=1200)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["bit_exact"] and rep["samples"] == 10
