"""Every MLPerf Tiny model, bit-exact on the emulated Cortex-M4 (and M7) over the protocol."""
import json

import pytest

from conftest import MLPERF, model, run_tinyc

pytestmark = [pytest.mark.qemu, pytest.mark.slow]


def _verify(path, board, samples):
    r = run_tinyc("verify", path, "--board", board, "--samples", samples, "--json", timeout=1800)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("path", MLPERF, ids=lambda p: p.stem)
def test_mlperf_bit_exact_on_mps2_an386(path):
    rep = _verify(path, "mps2-an386", 20)
    assert rep["samples"] == 20
    assert rep["mismatched_bytes"] == 0 and rep["bit_exact"], rep
    assert rep["instructions_per_inference"] > 0
    assert rep["ram_bytes"] >= rep["arena_bytes"]


@pytest.mark.parametrize("name", ["kws_ref_model", "ad01_int8"])
def test_cortex_m7_board(name):
    rep = _verify(model(name), "mps2-an500", 5)
    assert rep["bit_exact"], rep
    assert rep["board"] == "mps2-an500"
