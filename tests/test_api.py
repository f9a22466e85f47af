"""The Python API (import tinyc): compile, run, verify, profile, boards; checked against the
TFLM interpreter of the tflite-micro wheel, in-process on the host and in QEMU."""
import hashlib

import numpy as np
import pytest

import tinyc
from tests.conftest import model
from tests.device_fixtures import have_cross_tools
from tinyc.reference import random_inputs, tflm_outputs

AD01 = model("ad01_int8")


@pytest.fixture(scope="module")
def host_build(tmp_path_factory):
    return tinyc.compile(AD01, board="host", out_dir=tmp_path_factory.mktemp("api") / "ad01")


def _batch(build, n, seed):
    return np.stack([s[0] for s in random_inputs(build.built.graph, n, seed)])


def test_boards_lists_the_board_files():
    ids = {b.id for b in tinyc.boards()}
    assert {"host", "mps2-an386"} <= ids
    assert all("ram_bytes" in b.to_json() for b in tinyc.boards())


def test_run_gives_tflm_bytes_for_a_batch_and_for_one_sample(host_build):
    x = _batch(host_build, 3, seed=7)
    ref = np.stack([o[0] for o in tflm_outputs(host_build.built.graph, [[s] for s in x])])
    y = host_build.run(x)
    assert y.shape == ref.shape and y.dtype == ref.dtype
    assert y.tobytes() == ref.tobytes()
    one = host_build.run(x[1])
    assert one.shape == ref.shape[1:] and one.tobytes() == ref[1].tobytes()


def test_verify_is_the_cli_document(host_build):
    rep = host_build.verify(samples=3, seed=1)
    assert rep["bit_exact"] is True and rep["mismatched_bytes"] == 0
    assert rep["samples"] == 3 and rep["board"] == "host"
    assert rep["model_sha256"] == hashlib.sha256(AD01.read_bytes()).hexdigest()
    assert host_build.to_json()["model_sha256"] == rep["model_sha256"]


def test_profile_has_one_entry_per_op(host_build):
    prof = host_build.profile()
    ops = host_build.built.graph.ops
    assert [p["index"] for p in prof] == [op.index for op in ops]
    assert [p["op"] for p in prof] == [op.opcode for op in ops]


@pytest.mark.parametrize("bad, words", [
    (lambda x: x.astype(np.float32), "float32"),
    (lambda x: x[:, :, :10], "shape"),
    (lambda x: [x, x], "inputs"),
])
def test_bad_inputs_are_refused_with_the_reason(host_build, bad, words):
    with pytest.raises(tinyc.TinycError) as e:
        host_build.run(bad(_batch(host_build, 2, seed=0)))
    assert words in e.value.message and e.value.exit_code == 2


def test_unknown_board_and_zero_samples_are_refused(host_build):
    with pytest.raises(tinyc.TinycError, match="unknown board"):
        tinyc.compile(AD01, board="no-such-board")
    with pytest.raises(tinyc.TinycError, match="at least 1"):
        host_build.verify(samples=0)


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.skipif(not have_cross_tools(), reason="needs arm-none-eabi-gcc, qemu, cmake")
def test_one_qemu_for_many_calls_on_the_emulated_board(tmp_path):
    build = tinyc.compile(AD01, board="mps2-an386", out_dir=tmp_path / "an386")
    x = _batch(build, 2, seed=3)
    ref = np.stack([o[0] for o in tflm_outputs(build.built.graph, [[s] for s in x])])
    with build.connect():
        dev = build._device
        assert build.run(x).tobytes() == ref.tobytes()
        rep = build.verify(samples=2, seed=5)
        prof = build.profile()
        assert build._device is dev   # the same connection (one QEMU) throughout
    assert rep["bit_exact"] and rep["instructions_per_inference"] > 0
    assert sum(p["instructions"] for p in prof) > 0
    assert build._device is None
