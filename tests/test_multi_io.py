"""Models with several inputs or outputs through `tinyc run`, `tinyc verify` and the API:
`--input a.npy --input b.npy` (the model's input order) or one .npz keyed by input name;
`--output` likewise. Outputs checked byte for byte against the TFLM interpreter."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import model, run_tinyc
from tests.device_fixtures import have_cross_tools
from tinyc.cli import cli
from tinyc.frontend import load_model
from tinyc.reference import random_inputs, tflm_outputs

ADD2 = model("tflm_simple_add_2in")     # two [1, 128, 128, 1] int8 inputs, one output


@pytest.fixture(scope="module")
def add2():
    g = load_model(str(ADD2))
    xs = random_inputs(g, 3, seed=7)
    batches = [np.stack([s[i] for s in xs]) for i in range(len(g.inputs))]
    ref = np.stack([o[0] for o in tflm_outputs(g, xs)])
    names = [g.tensors[t].name for t in g.inputs]
    return g, batches, names, ref


def _error_line(r, code, *words):
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    lines = [l for l in r.stderr.strip().splitlines() if l.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    for w in words:
        assert w in lines[0], lines[0]


def test_run_takes_one_npy_per_input_in_the_models_order(add2, tmp_path):
    g, (a, b), _, ref = add2
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    r = run_tinyc("run", ADD2, "--board", "host", "--input", tmp_path / "a.npy",
                  "--input", tmp_path / "b.npy", "--output", tmp_path / "y.npy", "--json")
    assert r.returncode == 0, r.stderr
    y = np.load(tmp_path / "y.npy")
    assert y.shape == ref.shape and y.tobytes() == ref.tobytes()
    doc = json.loads(r.stdout)
    assert doc["samples"] == 3 and doc["input"] == str(tmp_path / "a.npy")
    assert doc["input_files"] == [str(tmp_path / "a.npy"), str(tmp_path / "b.npy")]
    assert doc["output_files"] == [str(tmp_path / "y.npy")]


def test_run_takes_one_npz_keyed_by_input_name(add2, tmp_path):
    g, (a, b), names, ref = add2
    np.savez(tmp_path / "x.npz", **{names[1]: b, names[0]: a})   # the file's order is not used
    r = run_tinyc("run", ADD2, "--board", "host", "--input", tmp_path / "x.npz",
                  "--output", tmp_path / "y.npy")
    assert r.returncode == 0, r.stderr
    assert np.load(tmp_path / "y.npy").tobytes() == ref.tobytes()


def test_run_writes_an_npz_keyed_by_output_name(add2, tmp_path):
    g, (a, b), names, ref = add2
    np.savez(tmp_path / "x.npz", **dict(zip(names, (a, b))))
    r = run_tinyc("run", ADD2, "--board", "host", "--input", tmp_path / "x.npz",
                  "--output", tmp_path / "y.npz")
    assert r.returncode == 0, r.stderr
    with np.load(tmp_path / "y.npz") as y:
        assert list(y.keys()) == [g.tensors[g.outputs[0]].name]
        assert y[g.tensors[g.outputs[0]].name].tobytes() == ref.tobytes()


def test_verify_takes_the_same_inputs(add2, tmp_path, monkeypatch):
    import tinyc.verify
    g, (a, b), names, _ = add2
    np.savez(tmp_path / "x.npz", **dict(zip(names, (a, b))))
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    seen = []
    real = tinyc.verify.tflm_outputs

    def recording(graph, samples):
        seen.extend(samples)
        return real(graph, samples)
    monkeypatch.setattr(tinyc.verify, "tflm_outputs", recording)
    for files in (["x.npz"], ["a.npy", "b.npy"]):
        seen.clear()
        args = [a for f in files for a in ("--input", str(tmp_path / f))]
        r = CliRunner().invoke(cli, ["verify", str(ADD2), "--board", "host", *args, "--json"])
        assert r.exit_code == 0, r.output
        rep = json.loads(r.stdout)
        assert rep["bit_exact"] and rep["samples"] == 3 and rep["seed"] is None, rep
        assert len(seen) == 3
        assert all(np.array_equal(s[0], a[k]) and np.array_equal(s[1], b[k])
                   for k, s in enumerate(seen))


@pytest.mark.fast_first
@pytest.mark.parametrize("make,words", [
    (lambda d, a, b, n: np.save(d / "a.npy", a), ["2 inputs", "1 file"]),
    (lambda d, a, b, n: np.savez(d / "x.npz", **{n[0]: a}), ["x.npz", "no array", "serving_default_input_2:0"]),
    (lambda d, a, b, n: np.savez(d / "x.npz", **{n[0]: a, n[1]: b, "extra": a}), ["extra"]),
    (lambda d, a, b, n: np.savez(d / "x.npz", **{n[0]: a, n[1]: b[:2]}), ["3", "2", "samples"]),
    (lambda d, a, b, n: np.savez(d / "x.npz", **{n[0]: a, n[1]: b.astype(np.int16)}),
     ["int16", "int8"]),
], ids=["one-npy-for-two-inputs", "npz-missing-input", "npz-unknown-key", "different-n",
        "wrong-dtype"])
def test_bad_inputs_are_one_error_line_and_nothing_written(add2, tmp_path, make, words):
    g, (a, b), names, _ = add2
    make(tmp_path, a, b, names)
    inp, = [p for p in tmp_path.iterdir()]
    r = run_tinyc("run", ADD2, "--board", "host", "--input", inp, "--output", tmp_path / "y.npy")
    _error_line(r, 2, *words)
    assert not (tmp_path / "y.npy").exists()


def test_several_outputs_need_as_many_files_or_an_npz(add2, tmp_path):
    g, (a, b), names, _ = add2
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    r = run_tinyc("run", ADD2, "--board", "host", "--input", tmp_path / "a.npy",
                  "--input", tmp_path / "b.npy", "--output", tmp_path / "y.npy",
                  "--output", tmp_path / "z.npy")
    _error_line(r, 2, "1 output", "2 files")
    assert not (tmp_path / "y.npy").exists() and not (tmp_path / "z.npy").exists()


def test_single_input_form_still_works(tmp_path):
    ad01 = model("ad01_int8")
    g = load_model(str(ad01))
    xs = random_inputs(g, 2, seed=3)
    np.save(tmp_path / "x.npy", np.stack([x[0] for x in xs]))
    r = run_tinyc("run", ad01, "--board", "host", "--input", tmp_path / "x.npy",
                  "--output", tmp_path / "y.npy", "--json")
    assert r.returncode == 0, r.stderr
    assert np.load(tmp_path / "y.npy").tobytes() == \
        np.stack([o[0] for o in tflm_outputs(g, xs)]).tobytes()
    doc = json.loads(r.stdout)
    assert doc["input"] == str(tmp_path / "x.npy") and doc["output"] == str(tmp_path / "y.npy")


@pytest.mark.slow
def test_the_api_takes_inputs_keyed_by_name(add2, tmp_path):
    import tinyc
    g, (a, b), names, ref = add2
    build = tinyc.compile(ADD2, board="host", out_dir=tmp_path / "build")
    assert build.run({names[1]: b, names[0]: a}).tobytes() == ref.tobytes()
    assert build.run([a, b]).tobytes() == ref.tobytes()
    rep = build.verify(inputs={names[0]: a, names[1]: b})
    assert rep["bit_exact"] and rep["samples"] == 3, rep
    with pytest.raises(tinyc.TinycError, match="no array"):
        build.run({names[0]: a})


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.skipif(not have_cross_tools(), reason="needs arm-none-eabi-gcc, qemu, cmake")
def test_run_and_verify_two_inputs_on_the_emulated_board(add2, tmp_path):
    g, (a, b), names, ref = add2
    np.savez(tmp_path / "x.npz", **dict(zip(names, (a, b))))
    r = run_tinyc("run", ADD2, "--board", "mps2-an386", "--input", tmp_path / "x.npz",
                  "--output", tmp_path / "y.npy", timeout=1200)
    assert r.returncode == 0, r.stderr
    assert np.load(tmp_path / "y.npy").tobytes() == ref.tobytes()
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    r = run_tinyc("verify", ADD2, "--board", "mps2-an386", "--input", tmp_path / "a.npy",
                  "--input", tmp_path / "b.npy", "--json", timeout=1200)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["bit_exact"] and rep["samples"] == 3 and rep["board"] == "mps2-an386", rep


def _two_outputs(a, b):
    from modelgen import _tf
    layers = _tf().keras.layers
    return [layers.Add()([a, b]), layers.Maximum()([a, b])]


@pytest.mark.slow
def test_run_writes_every_output_of_a_two_output_model(tmp_path):
    from modelgen import int8_model
    path = int8_model("multi_io_two_outputs", _two_outputs, [(1, 4, 4, 3), (1, 4, 4, 3)])
    g = load_model(str(path))
    assert len(g.inputs) == 2 and len(g.outputs) == 2
    xs = random_inputs(g, 4, seed=2)
    ref = [np.stack([o[j] for o in tflm_outputs(g, xs)]) for j in range(2)]
    for i in range(2):
        np.save(tmp_path / f"x{i}.npy", np.stack([s[i] for s in xs]))
    ins = ["--input", tmp_path / "x0.npy", "--input", tmp_path / "x1.npy"]
    r = run_tinyc("run", path, "--board", "host", *ins, "--output", tmp_path / "y0.npy",
                  "--output", tmp_path / "y1.npy", "--json")
    assert r.returncode == 0, r.stderr
    assert [np.load(tmp_path / f"y{j}.npy").tobytes() for j in range(2)] == \
        [y.tobytes() for y in ref]
    assert json.loads(r.stdout)["output_shapes"] == [list(y.shape) for y in ref]
    r = run_tinyc("run", path, "--board", "host", *ins, "--output", tmp_path / "y.npz")
    assert r.returncode == 0, r.stderr
    with np.load(tmp_path / "y.npz") as y:
        assert [y[g.tensors[t].name].tobytes() for t in g.outputs] == [a.tobytes() for a in ref]
