"""Errors of run/verify/bench that must end in one `error:` line before any work is done."""
import json
import os
import socket

import numpy as np
import pytest

from conftest import model, run_tinyc

AD01 = model("ad01_int8")


def _one_error_line(r, code, *words):
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    for w in words:
        assert w in lines[0], lines[0]


@pytest.mark.parametrize("command", ["verify", "bench"])
@pytest.mark.parametrize("n", ["0", pytest.param("-3", marks=pytest.mark.slow)])
def test_samples_below_one_are_refused(command, n):
    r = run_tinyc(command, AD01, "--board", "host", "-n", n, "--json")
    _one_error_line(r, 2, "--samples", n)
    # with --json, stdout is the error document only (docs/json.md), never a report
    assert json.loads(r.stdout) == {"schema": 1, "error": r.stderr.strip()[len("error: "):],
                                    "exit_code": 2}


def test_verify_that_compares_nothing_is_an_error():
    from tinyc.errors import TinycError
    from tinyc.verify import require_compared
    with pytest.raises(TinycError, match="compared no output bytes"):
        require_compared([], "host")
    with pytest.raises(TinycError, match="compared no output bytes"):
        require_compared([[np.zeros((1, 0), np.int8)]], "host")
    require_compared([[np.zeros((1, 2), np.int8)]], "host")


def test_run_to_a_missing_folder_fails_before_running(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((1, 640), np.int8))
    r = run_tinyc("run", AD01, "--board", "host", "--input", tmp_path / "x.npy",
                  "--output", tmp_path / "no" / "such" / "y.npy")
    _one_error_line(r, 2, str(tmp_path / "no" / "such"))
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", ["verify", "bench", "run"])
def test_a_real_board_without_port_is_refused_before_building(command, tmp_path):
    cache = tmp_path / "cache"
    extra = (["--input", tmp_path / "x.npy", "--output", tmp_path / "y.npy"]
             if command == "run" else [])
    r = run_tinyc(command, AD01, "--board", "nano33", *extra,
                  env={**os.environ, "TINYC_CACHE": str(cache)})
    _one_error_line(r, 2, "--port", "nano33")
    assert not cache.exists() or not any(cache.rglob("*.c")), "it built before asking"


def test_bench_accepts_a_port(tmp_path):
    """--port gets past the options: the error is about the port (nothing listens there)."""
    with socket.socket() as s:    # a free local port, closed again: nothing listens there
        s.bind(("127.0.0.1", 0))
        url = f"socket://127.0.0.1:{s.getsockname()[1]}"
    r = run_tinyc("bench", AD01, "--board", "host", "--port", url, "-n", "1", "--json")
    assert r.returncode != 0 and json.loads(r.stdout)["exit_code"] == r.returncode
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and url in last, r.stderr
    assert "Traceback" not in r.stderr
