"""`tinyc verify --input X.npy`: the comparison with TFLM on the user's own inputs."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import model, run_tinyc
from tinyc.cli import cli


@pytest.mark.slow
def test_verify_runs_the_users_inputs(tmp_path, monkeypatch):
    import tinyc.verify
    kws = model("kws_ref_model")
    x = np.random.default_rng(4).integers(-128, 128, (3, 1, 49, 10, 1), dtype=np.int8)
    np.save(tmp_path / "x.npy", x)
    seen = []
    real = tinyc.verify.tflm_outputs

    def recording(graph, samples):
        seen.extend(samples)
        return real(graph, samples)
    monkeypatch.setattr(tinyc.verify, "tflm_outputs", recording)
    r = CliRunner().invoke(cli, ["verify", str(kws), "--board", "host", "--input",
                                 str(tmp_path / "x.npy"), "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)
    assert rep["bit_exact"] and rep["samples"] == 3 and rep["seed"] is None
    assert len(seen) == 3 and all(np.array_equal(s[0], xi) for s, xi in zip(seen, x))


def test_verify_input_of_the_wrong_shape_is_one_error_line(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((2, 7), np.int8))
    r = run_tinyc("verify", model("kws_ref_model"), "--board", "host", "--input",
                  tmp_path / "x.npy")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1].startswith("error: ") and "shape" in r.stderr
