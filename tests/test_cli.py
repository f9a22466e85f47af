"""The user-facing commands end to end: build, run, verify, bench, and their errors."""
import json

import numpy as np
import pytest

from conftest import model, run_tinyc

AD01 = model("ad01_int8")


def _json(r):
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _one_error_line(r, code, *words):
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    lines = [l for l in r.stderr.strip().splitlines() if l.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    for w in words:
        assert w in lines[0], lines[0]


@pytest.mark.slow
def test_build_host_json(tmp_path):
    out = tmp_path / "proj"
    rep = _json(run_tinyc("build", AD01, "--board", "host", "-o", out, "--json"))
    for k in ("project_dir", "board", "backend", "compiled", "elf", "ram_bytes", "flash_bytes", "fits"):
        assert k in rep
    assert rep["compiled"] and rep["fits"] and rep["board"] == "host"
    assert (out / "CMakeLists.txt").exists() and (out / "src" / "model.c").exists()
    assert (out / "tinyc.json").exists()


def test_build_no_compile(tmp_path):
    rep = _json(run_tinyc("build", AD01, "--board", "host", "-o", tmp_path / "p", "--no-compile",
                          "--json"))
    assert rep["compiled"] is False and rep["elf"] is None


def test_build_refuses_foreign_directory(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    _one_error_line(run_tinyc("build", AD01, "--board", "host", "-o", tmp_path), 2, "not empty")
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_unknown_board():
    _one_error_line(run_tinyc("build", AD01, "--board", "nope"), 2, "unknown board", "mps2-an386")


def test_does_not_fit_exit_1(tmp_path):
    r = run_tinyc("build", model("mobilenet_v2_quantized_1x3x224x224"), "--board", "nano33",
                  "-o", tmp_path / "p")
    _one_error_line(r, 1, "nano33", "over")
    assert not (tmp_path / "p").exists()


def test_unsupported_op_named(tmp_path):
    import tflite_edit
    tflite_edit.with_opcode(AD01, tmp_path / "lrn.tflite", "LOCAL_RESPONSE_NORMALIZATION")
    _one_error_line(run_tinyc("build", tmp_path / "lrn.tflite", "--board", "host",
                              "-o", tmp_path / "p"), 2, "LOCAL_RESPONSE_NORMALIZATION")
    assert not (tmp_path / "p").exists()


@pytest.mark.slow
@pytest.mark.parametrize("board", ["host", pytest.param("mps2-an386", marks=pytest.mark.qemu)])
def test_verify_ad01(board):
    rep = _json(run_tinyc("verify", AD01, "--board", board, "--samples", "20", "--json"))
    for k in ("model", "board", "backend", "samples", "mismatched_bytes", "max_abs_diff", "bit_exact"):
        assert k in rep
    assert rep["bit_exact"] and rep["mismatched_bytes"] == 0 and rep["samples"] == 20
    if board == "mps2-an386":
        assert rep["instructions_per_inference"] > 100_000
        assert rep["ram_bytes"] > 768 and rep["flash_bytes"] > 270_000


@pytest.mark.qemu
@pytest.mark.slow
def test_verify_profile_is_deterministic():
    a = _json(run_tinyc("verify", AD01, "--samples", "2", "--profile", "--json"))
    b = _json(run_tinyc("verify", AD01, "--samples", "2", "--profile", "--json"))
    assert a["instructions_per_inference"] == b["instructions_per_inference"]
    assert [p["instructions"] for p in a["profile"]] == [p["instructions"] for p in b["profile"]]
    assert [p["op"] for p in a["profile"]] == ["FULLY_CONNECTED"] * 10


def test_run_writes_outputs(tmp_path):
    from tinyc.frontend import load_model
    from tinyc.reference import random_inputs, tflm_outputs
    g = load_model(AD01)
    xs = random_inputs(g, 3, seed=5)
    np.save(tmp_path / "x.npy", np.stack([x[0] for x in xs]))
    r = run_tinyc("run", AD01, "--board", "host", "--input", tmp_path / "x.npy",
                  "--output", tmp_path / "y.npy")
    assert r.returncode == 0, r.stderr
    y = np.load(tmp_path / "y.npy")
    ref = np.stack([o[0] for o in tflm_outputs(g, xs)])
    assert y.shape == ref.shape and np.array_equal(y, ref)


def test_run_rejects_wrong_shape(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((2, 7), np.int8))
    _one_error_line(run_tinyc("run", AD01, "--board", "host", "--input", tmp_path / "x.npy",
                              "--output", tmp_path / "y.npy"), 2, "shape")


@pytest.mark.qemu
def test_bench_json():
    rows = _json(run_tinyc("bench", AD01, "--json", "--samples", "1"))
    assert len(rows) == 1
    for k in ("model", "board", "backend", "instructions_per_inference", "ram_bytes",
              "flash_bytes", "code_bytes", "weights_bytes", "bit_exact"):
        assert k in rows[0]
    assert rows[0]["bit_exact"] and rows[0]["board"] == "mps2-an386"


@pytest.mark.slow
def test_bench_ram_fields_are_the_plans_and_tflms(tmp_path, monkeypatch):
    """bench's bounds are plan's, from a fresh build and from the cached one alike, and its
    TFLM figure is TFLM's own 32-bit arena for the model (no offline plan)."""
    from tinyc.backends.tflm.arena import tflm_arena
    from tinyc.frontend import read_model
    monkeypatch.setenv("TINYC_CACHE", str(tmp_path))
    arm32 = tflm_arena(read_model(AD01), None, 4).arena_bytes
    for _ in range(2):   # the second run reads the build from the cache
        row = _json(run_tinyc("bench", AD01, "--board", "host", "-n", "1", "--json"))[0]
        host_plan = _json(run_tinyc("plan", AD01, "--board", "host", "--json"))
        for k in ("arena_bytes", "lower_bound_bytes", "lower_bound_without_overlap_bytes"):
            assert row[k] == host_plan[k], k
        assert row["optimize"] == "balanced" and row["bit_exact"]
        assert row["tflm_own_arena_bytes"] == tflm_arena(read_model(AD01), None, 8).arena_bytes
    assert arm32 != row["tflm_own_arena_bytes"]   # the pointer width is the board's


def test_reader_closing_the_pipe_is_not_an_error():
    """`tinyc boards | head -1`: the reader left; tinyc stops quietly (no `error:` line)."""
    import subprocess
    import sys
    p = subprocess.Popen([sys.executable, "-m", "tinyc", "boards"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdout.close()   # before tinyc writes: its first write meets a closed pipe
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) != 0
    assert "error" not in err and "Traceback" not in err, err
