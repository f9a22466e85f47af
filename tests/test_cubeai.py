"""The cubeai backend: the X-CUBE-AI legacy API on tinyc's kernels.

A C application written only against ST's documented API (tests/cubeai_app/main.c) is built
on the host against the generated files with -Wall -Wextra -Werror and must give the TFLM
interpreter's bytes; the same files must cross-compile for Cortex-M; and `tinyc verify
--backend cubeai` must be bit-exact under QEMU.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import MLPERF, model, run_tinyc
from tinyc.backends.cubeai.codegen import check_name, generate
from tinyc.backends.native.codegen import RUNTIME_DIR
from tinyc.boards import get_board
from tinyc.errors import TinycError
from tinyc.frontend import load_model
from tinyc.pipeline import plan_model
from tinyc.reference import random_inputs, tflm_outputs

APP = Path(__file__).parent / "cubeai_app" / "main.c"
CFLAGS = ["-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", "-pedantic"]
needs_cc = pytest.mark.skipif(shutil.which("cc") is None, reason="no host C compiler")


def build_app(model_path, work: Path, name: str = "network"):
    """Generate the API files for the host and link the test application against them."""
    g = load_model(str(model_path), backend="cubeai")
    board = get_board("host")
    src = generate(g, board, plan_model(g, board, "cubeai"), work / "gen", name=name)
    exe = work / "app"
    cmd = ["cc", *CFLAGS, f"-I{work / 'gen'}", *[f"-I{d}" for d in src.include_dirs],
           str(APP), *map(str, src.api_sources + src.kernel_sources), "-o", str(exe)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return g, exe


def run_app(exe: Path, mode: str, data: bytes = b"") -> bytes:
    r = subprocess.run([str(exe), mode], input=data, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout


def check_bitexact(g, exe: Path, samples: int, modes=("copy", "inplace", "table")):
    xs = random_inputs(g, samples, seed=3)
    ref = tflm_outputs(g, xs)
    data = b"".join(np.ascontiguousarray(x[0]).tobytes() for x in xs)
    want = b"".join(np.ascontiguousarray(r[0]).tobytes() for r in ref)
    for mode in modes:
        got = run_app(exe, mode, data)
        assert len(got) == len(want), mode
        bad = int(np.count_nonzero(np.frombuffer(got, np.uint8) != np.frombuffer(want, np.uint8)))
        assert bad == 0, f"{mode}: {bad} bytes differ from TFLM"


@needs_cc
@pytest.mark.slow
def test_st_api_app_is_bitexact_on_ad01(tmp_path):
    g, exe = build_app(model("ad01_int8"), tmp_path)
    check_bitexact(g, exe, samples=10)


@needs_cc
def test_st_api_error_paths_and_report(tmp_path):
    g, exe = build_app(model("ad01_int8"), tmp_path)
    assert run_app(exe, "errors").strip() == b"ok"
    rep = run_app(exe, "report").decode()
    t = g.tensors[g.inputs[0]]
    assert f"nodes {len(g.ops)} inputs 1 outputs 1" in rep
    assert f"in size {t.nbytes} bytes {t.nbytes} q 1 signed 1 bits 8" in rep
    assert f"zero_point {int(t.quant.zero_point[0])}" in rep


@needs_cc
def test_name_prefix(tmp_path):
    g = load_model(str(model("ad01_int8")), backend="cubeai")
    board = get_board("host")
    src = generate(g, board, plan_model(g, board, "cubeai"), tmp_path, name="anomaly")
    names = {p.name for p in src.generated}
    assert {"anomaly.h", "anomaly.c", "anomaly_data.h", "anomaly_data.c",
            "anomaly_data_params.h", "ai_platform.h"} <= names
    h = (tmp_path / "anomaly.h").read_text()
    for sym in ("ai_anomaly_create_and_init(", "ai_anomaly_run(", "AI_ANOMALY_IN_1_SIZE_BYTES",
                "AI_ANOMALY_OUT_1_SIZE"):
        assert sym in h
    assert "AI_ANOMALY_DATA_ACTIVATIONS_TABLE_GET()" in (tmp_path / "anomaly_data_params.h").read_text()
    objs = [subprocess.run(["cc", *CFLAGS, "-c", f"-I{tmp_path}",
                            *[f"-I{d}" for d in src.include_dirs], str(c), "-o",
                            str(tmp_path / (c.name + ".o"))], capture_output=True, text=True)
            for c in src.api_sources]
    assert all(o.returncode == 0 for o in objs), [o.stderr for o in objs]


@pytest.mark.parametrize("bad", ["", "Network", "9net", "net-work", "a" * 40])
def test_bad_names_are_one_line_errors(bad):
    with pytest.raises(TinycError):
        check_name(bad)


@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="no arm-none-eabi-gcc")
def test_sources_cross_compile_for_cortex_m(tmp_path):
    g = load_model(str(model("ad01_int8")), backend="cubeai")
    board = get_board("nucleo-f746zg")
    src = generate(g, board, plan_model(g, board, "cubeai"), tmp_path)
    for c in src.api_sources + [src.app_source]:
        r = subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m7", "-mthumb", *CFLAGS, "-c",
                            f"-I{tmp_path}", f"-I{RUNTIME_DIR}",
                            *[f"-I{d}" for d in src.include_dirs], str(c), "-o",
                            str(tmp_path / (c.name + ".o"))], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="no QEMU")
def test_verify_cubeai_on_mps2_an386_ad01():
    r = run_tinyc("verify", model("ad01_int8"), "--board", "mps2-an386", "--backend", "cubeai",
                  "--samples", "5", timeout=300)
    assert r.returncode == 0, r.stderr + r.stdout
    assert "bit-exact" in r.stdout + r.stderr


@pytest.mark.slow
@needs_cc
@pytest.mark.parametrize("path", [p for p in MLPERF if p.stem != "ad01_int8"], ids=lambda p: p.stem)
def test_st_api_app_is_bitexact_on_mlperf_tiny(path, tmp_path):
    g, exe = build_app(path, tmp_path)
    check_bitexact(g, exe, samples=3, modes=("copy", "inplace"))


@pytest.mark.slow
@pytest.mark.qemu
@pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="no QEMU")
@pytest.mark.parametrize("path", [p for p in MLPERF if p.stem != "ad01_int8"], ids=lambda p: p.stem)
def test_verify_cubeai_on_mps2_an386_mlperf_tiny(path):
    r = run_tinyc("verify", path, "--board", "mps2-an386", "--backend", "cubeai",
                  "--samples", "3", timeout=600)
    assert r.returncode == 0, r.stderr + r.stdout
    assert "bit-exact" in r.stdout + r.stderr


@pytest.mark.slow
def test_cli_name_option(tmp_path):
    import json as _json
    r = run_tinyc("build", model("ad01_int8"), "--board", "host", "--backend", "cubeai",
                  "--name", "kws", "-o", tmp_path / "p", "--json")
    assert r.returncode == 0, r.stderr
    assert _json.loads(r.stdout)["cubeai_api_name"] == "kws"
    assert (tmp_path / "p" / "src" / "kws.h").exists()
    r = run_tinyc("build", model("ad01_int8"), "--board", "host", "--name", "kws")
    assert r.returncode == 2 and "--backend cubeai" in r.stderr
