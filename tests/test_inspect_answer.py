"""`tinyc inspect` gives the build's answer: a model `build` refuses is not "supported"."""
import json

import pytest

from conftest import REALWORLD, run_tinyc


def _inspect(path) -> dict:
    r = run_tinyc("inspect", path, "--json", timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _plan(path):
    return run_tinyc("plan", path, "--board", "host", "--strategy", "heuristic", timeout=300)


SMALL = ["seanet_leaky_relu0_int16", "tflm_simple_add_2in", "tiny_aww_model_uint8in"]


@pytest.mark.parametrize("name", SMALL)
@pytest.mark.fast_first     # the slow test below checks every real-world model
def test_inspect_agrees_with_plan(name):
    path = next(p for p in REALWORLD if p.stem == name)
    rep, r = _inspect(path), _plan(path)
    assert rep["supported"] is (r.returncode == 0), (rep.get("refused"), r.stderr)
    if not rep["supported"]:
        # the same reason the build gives
        assert rep["refused"] and rep["refused"] in r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("path", REALWORLD, ids=lambda p: p.stem)
def test_inspect_agrees_with_plan_on_every_realworld_model(path):
    r = _plan(path)
    i = run_tinyc("inspect", path, "--json", timeout=300)
    if i.returncode:   # a model tinyc cannot even read: both stop with the same line
        assert i.returncode == r.returncode == 2 and i.stderr == r.stderr, (i.stderr, r.stderr)
        return
    rep = json.loads(i.stdout)
    assert rep["supported"] is (r.returncode == 0), (rep.get("refused"), r.stderr)


def test_inspect_reports_a_refusal_from_the_lowering():
    """Every op is in the list, but QUANTIZE uint8 -> int16 has no kernel (nor in TFLM)."""
    from test_kernels_elementwise import edited, unary_base
    path = edited(unary_base("RELU"), "u8s16", opcode="QUANTIZE",
                  quant={"in0": (0.01, 3), "out": (0.001, 0)},
                  dtypes={"in0": "UINT8", "out": "INT16"})
    rep, r = _inspect(path), _plan(path)
    assert rep["unsupported"] == [] and rep["supported"] is False
    assert r.returncode == 2 and rep["refused"] in r.stderr
    text = run_tinyc("inspect", path, timeout=300).stdout
    assert "refused by the native backend: op 0 QUANTIZE: uint8 -> int16" in text
