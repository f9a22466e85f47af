"""model_ram_bytes: what the user's firmware pays, the same figure from `plan` and `build`."""
from __future__ import annotations

import json

import pytest

from conftest import model, run_tinyc


def _json(*args):
    r = run_tinyc(*args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("board", ["mps2-an386", "nano33"])
def test_plan_and_build_report_the_same_model_ram(board, tmp_path):
    kws = model("kws_ref_model")
    plan = _json("plan", kws, "--board", board, "--json")
    build = _json("build", kws, "--board", board, "-o", tmp_path / "b", "--json")
    assert build["compiled"]
    assert plan["model_ram_bytes"] == build["model_ram_bytes"]
    assert build["model_ram_bytes"] >= build["arena_bytes"] == plan["arena_bytes"]
    # the rest of the program's RAM is the harness's: protocol frames, profile table
    assert build["model_ram_bytes"] + build["harness_ram_bytes"] == build["ram_bytes"]
    assert build["harness_ram_bytes"] > 0
