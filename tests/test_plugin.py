"""The pytest plugin: a user's test file run by pytester against the shared ad01 model, on the
host board and on the emulated mps2-an386; outputs checked against the TFLM interpreter."""
import tomllib
from pathlib import Path

import pytest

from tests.conftest import model
from tests.device_fixtures import have_cross_tools
from tinyc.pytest_plugin import worker_ports

pytest_plugins = ["pytester"]

AD01 = model("ad01_int8")

USER_TESTS = '''
import numpy as np
from tinyc.reference import random_inputs, tflm_outputs

MODEL = {model!r}


def test_verify(tinyc_board):
    report = tinyc_board.verify(MODEL, samples=3)
    assert report["bit_exact"] and report["samples"] == 3, report
    assert report["board"] == tinyc_board.board


def test_run_matches_tflm(tinyc_board):
    g = tinyc_board.build(MODEL).built.graph
    xs = random_inputs(g, 2, seed=11)
    ref = np.stack([o[0] for o in tflm_outputs(g, xs)])
    assert tinyc_board.run(MODEL, np.stack([x[0] for x in xs])).tobytes() == ref.tobytes()


def test_profile(tinyc_board):
    prof = tinyc_board.profile(MODEL)
    assert len(prof) == len(tinyc_board.build(MODEL).built.graph.ops)


def test_built_once_and_one_connection(tinyc_board):
    b = tinyc_board.build(MODEL)
    assert tinyc_board.build(MODEL) is b
    assert b._device is not None     # kept open for the whole session
    assert len(list(tinyc_board.work_dir.iterdir())) == 1


def test_a_wrong_expectation_fails(tinyc_board):
    g = tinyc_board.build(MODEL).built.graph
    x = random_inputs(g, 1, seed=0)[0][0]
    assert tinyc_board.run(MODEL, x).tobytes() == bytes(len(tinyc_board.run(MODEL, x).tobytes()))


def test_missing_model(tinyc_board):
    tinyc_board.verify("no/such/model.tflite")
'''


def _run(pytester, *args):
    pytester.makepyfile(test_user=USER_TESTS.format(model=str(AD01)))
    return pytester.runpytest_subprocess("-p", "tinyc.pytest_plugin", *args, timeout=900)


def _check(result, board):
    result.assert_outcomes(passed=4, failed=2)
    out = result.stdout.str()
    assert f"tinyc: board {board}" in out
    assert "test_a_wrong_expectation_fails FAILED" in out or \
        "FAILED test_user.py::test_a_wrong_expectation_fails" in out
    assert "tinyc could not build no/such/model.tflite" in out
    assert "Traceback" not in out.split("test_missing_model")[-1]


def test_entry_point_is_declared():
    meta = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert meta["project"]["entry-points"]["pytest11"] == {
        "tinyc.pytest_plugin": "tinyc.pytest_plugin"}


@pytest.mark.slow
def test_plugin_on_the_host_board(pytester):
    _check(_run(pytester, "--tinyc-board", "host", "-v"), "host")


@pytest.mark.slow
def test_board_from_the_environment(pytester, monkeypatch):
    monkeypatch.setenv("TINYC_BOARD", "host")
    monkeypatch.setenv("TINYC_BACKEND", "native")
    _check(_run(pytester, "-v"), "host")


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.skipif(not have_cross_tools(), reason="needs arm-none-eabi-gcc, qemu, cmake")
def test_plugin_on_the_emulated_board_by_default(pytester, monkeypatch):
    for var in ("TINYC_BOARD", "TINYC_PORT", "TINYC_BACKEND"):
        monkeypatch.delenv(var, raising=False)
    _check(_run(pytester, "-v"), "mps2-an386")


@pytest.mark.slow
def test_under_xdist_every_worker_has_its_own_build(pytester):
    pytest.importorskip("xdist")
    pytester.makepyfile(test_workers='''
def test_a(tinyc_board): assert tinyc_board.verify({m!r}, samples=2)["bit_exact"]
def test_b(tinyc_board): assert tinyc_board.verify({m!r}, samples=2)["bit_exact"]
def test_c(tinyc_board): assert tinyc_board.verify({m!r}, samples=2)["bit_exact"]
def test_d(tinyc_board): assert tinyc_board.verify({m!r}, samples=2)["bit_exact"]
'''.format(m=str(AD01)))
    result = pytester.runpytest_subprocess("-p", "tinyc.pytest_plugin", "-n", "2",
                                           "--tinyc-board", "host", timeout=900)
    result.assert_outcomes(passed=4)


def test_ports_are_shared_out_between_xdist_workers():
    ports = ["/dev/ttyACM0", "/dev/ttyACM1", "/dev/ttyACM2"]
    assert worker_ports(ports, None) == ports
    assert worker_ports(ports, {"workerid": "gw0", "workercount": 2}) == ports[0::2]
    assert worker_ports(ports, {"workerid": "gw1", "workercount": 2}) == ["/dev/ttyACM1"]
    assert worker_ports([], {"workerid": "gw3", "workercount": 4}) == []
    with pytest.raises(pytest.UsageError, match="at most the number of --tinyc-port"):
        worker_ports(ports[:1], {"workerid": "gw1", "workercount": 2})
