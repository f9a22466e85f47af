import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tinyc.models_dir import models_dir

MODELS = models_dir()
# The core set (MLPerf Tiny and the TFLM examples) every test runs on; realworld/ holds models
# tinyc may still refuse, tested on their own (tests/test_realworld.py).
ALL_MODELS = sorted(p for d in ("mlperf_tiny", "tflm_examples") for p in (MODELS / d).glob("*.tflite"))
MLPERF = sorted((MODELS / "mlperf_tiny").glob("*.tflite"))
REALWORLD = sorted((MODELS / "realworld").glob("*.tflite"))


@pytest.hookimpl(tryfirst=True)     # before `-m` selects on the marks added here
def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.fast_first`: every case of the table but the first is `slow`, so the
    fast loop (`-m "not qemu and not slow"`) still runs each table once."""
    seen = set()
    for item in items:
        if item.get_closest_marker("fast_first") is None:
            continue
        key = (str(item.path), item.originalname)
        if key in seen:
            item.add_marker(pytest.mark.slow)
        seen.add(key)


def model(name: str) -> Path:
    hits = [p for p in ALL_MODELS + REALWORLD if p.stem == name or p.name == name]
    if not hits:
        pytest.fail(f"shared model {name} not found under {MODELS} (set TINYC_MODELS)")
    return hits[0]


def run_tinyc(*args, timeout=600, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tinyc", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, **kw)


@pytest.fixture(scope="session", autouse=True)
def _host_builds_and_references_cached():
    """The same generated C is compiled once (tests/hostcache.py), the TFLM interpreter asked
    the same question once (tests/refcache.py): not once per test and per run."""
    import hostcache
    import refcache
    import tinyc.hostlib
    import tinyc.reference
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tinyc.hostlib, "compile_shared", hostcache.compile_shared)
        mp.setattr(tinyc.reference, "_in_child", refcache.in_child)
        yield


@pytest.fixture(scope="session", autouse=True)
def _models_present():
    if not ALL_MODELS:
        pytest.fail(f"no shared models under {MODELS}: set TINYC_MODELS")


def tflm_allocations(path) -> str:
    """The TFLM interpreter's print_allocations() report for a model (the tflite-micro wheel).

    It writes from C++ to fd 2: capture it at the fd level."""
    from tflite_micro.python.tflite_micro import runtime
    it = runtime.Interpreter.from_file(str(path), arena_size=64 << 20)
    with tempfile.TemporaryFile() as f:
        saved = os.dup(2)
        os.dup2(f.fileno(), 2)
        try:
            it.print_allocations()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        return f.read().decode()


def tflm_arena_head(path) -> int:
    """TFLM's activation arena ("head": tensors and scratch planned by its greedy planner)."""
    return int(re.search(r"Arena allocation head (\d+) bytes", tflm_allocations(path)).group(1))
