"""tinyc as a user's CI job installs it: a wheel built from this tree, installed into a fresh
venv, used from a folder outside the repo (`tinyc verify`, `tinyc export`, and the pytest step
of docs/ci-example.yml on the example test file of docs/pytest.md, with the plugin), outputs
checked against TFLM."""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tests.conftest import model
from tests.device_fixtures import have_cross_tools
from tinyc.frontend import load_model
from tinyc.paths import DATA_DIR, PACKAGE_DIR
from tinyc.reference import random_inputs, tflm_outputs

needs_cross_tools = pytest.mark.skipif(not have_cross_tools(),
                                       reason="needs arm-none-eabi-gcc, qemu, cmake")
SOURCE = PACKAGE_DIR.parent
AD01 = model("ad01_int8")
DOCS_PYTEST = SOURCE / "docs" / "pytest.md"
CI_EXAMPLE = SOURCE / "docs" / "ci-example.yml"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel of this tree in a venv that sees the system's TensorFlow and tflite-micro."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"      # a copy, so the build leaves no build/ or egg-info in the tree
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(SOURCE / name, src / name)
    shutil.copytree(PACKAGE_DIR, src / "tinyc", ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "TINYC_BOARD", "TINYC_PORT", "TINYC_BACKEND")}
    env["TINYC_CACHE"] = str(root / "cache")    # the wheel's own builds, none from this tree
    _ok(subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "--no-build-isolation", ".", "-w", str(root / "dist")],
                       cwd=src, env=env, capture_output=True, text=True, timeout=600))
    wheel, = (root / "dist").glob("tinyc-*.whl")
    venv = root / "venv"
    _ok(subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                       env=env, capture_output=True, text=True, timeout=300))
    python = venv / "bin" / "python"
    _ok(subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                        str(wheel)], env=env, capture_output=True, text=True, timeout=600))
    user = root / "user"    # the user's project, outside the repo
    user.mkdir()
    return SimpleNamespace(wheel=wheel, venv=venv, python=python, tinyc=venv / "bin" / "tinyc",
                           env=env, user=user)


def _ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, f"{proc.args}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _in_venv(installed, *args, cwd=None, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([*map(str, args)], cwd=cwd or installed.user, env=installed.env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_the_wheel_holds_every_data_file(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    data = {p.relative_to(SOURCE).as_posix() for p in DATA_DIR.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}
    assert data and not data - names, sorted(data - names)[:10]


@pytest.mark.slow
def test_the_venv_imports_the_wheel_and_its_plugin(installed):
    where = _ok(_in_venv(installed, installed.python, "-c", (
        "import importlib.metadata as m, tinyc, tinyc.paths as p\n"
        "ep, = [e for e in m.entry_points(group='pytest11') if e.name == 'tinyc.pytest_plugin']\n"
        "print(tinyc.__file__); print(p.BOARDS_DIR); print(ep.load().__file__)"))).stdout.split()
    site = str(installed.venv / "lib")
    assert all(w.startswith(site) for w in where), where
    assert str(SOURCE) not in " ".join(where)


@pytest.mark.qemu
@needs_cross_tools
@pytest.mark.slow
def test_verify_from_the_wheel_on_the_emulated_board(installed):
    r = _in_venv(installed, installed.tinyc, "verify", AD01, "--board", "mps2-an386",
                 "--samples", "5", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["bit_exact"] and doc["samples"] == 5 and doc["board"] == "mps2-an386", doc
    assert any(Path(installed.env["TINYC_CACHE"]).iterdir())    # built here, by the wheel


@pytest.mark.slow
def test_export_from_the_wheel_compiles(installed):
    out = installed.user / "ad01_lib"
    r = _in_venv(installed, installed.tinyc, "export", f"{AD01}:ad01", "--board", "mps2-an386",
                 "-o", out, "--json")
    assert r.returncode == 0, r.stderr
    files = {Path(f).name for f in json.loads(r.stdout)["files"]}
    assert {"ad01.h", "ad01.c", "tinyc_kernel.h"} <= files, files
    objs = installed.user / "objs"
    objs.mkdir()
    _ok(subprocess.run(["cc", "-std=c99", "-Wall", "-Werror", "-c", *map(str, out.glob("*.c")),
                        f"-I{out}"], cwd=objs, capture_output=True, text=True, timeout=300))


def _ci_step(name: str) -> tuple[list[str], dict]:
    """The one-line `run:` command of docs/ci-example.yml's step `name`, and its `env:`."""
    text = CI_EXAMPLE.read_text()
    step = text.split(f"- name: {name}\n", 1)[1].split("\n      - name:", 1)[0]
    env = dict(re.findall(r"^\s+([A-Z_]+): (\S+)", step, re.M))
    return shlex.split(re.search(r"^\s+run: (.+)$", step, re.M).group(1)), env


def test_the_ci_example_is_one_pip_install_of_tinyc():
    lines = [l for l in CI_EXAMPLE.read_text().splitlines() if not l.strip().startswith("#")]
    assert sum("pip install" in l for l in lines) == 1 and not any(" -e " in l for l in lines)
    assert sum(bool(re.match(r"\s+run: pytest ", l)) for l in lines) == 1
    cmd, _ = _ci_step("tinyc and pytest")
    assert cmd[:2] == ["pip", "install"] and cmd[2].startswith("tinyc @ ")
    assert {"pytest", "pytest-xdist"} <= set(cmd[3:])


def _docs_example() -> str:
    text = DOCS_PYTEST.read_text()
    section = text.split("## An example test file", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.qemu
@needs_cross_tools
@pytest.mark.slow
def test_the_docs_example_passes_under_pytest_in_the_venv(installed):
    project = installed.user / "project"
    (project / "models").mkdir(parents=True)
    (project / "tests" / "data").mkdir(parents=True)
    shutil.copy2(AD01, project / "models" / "ad01_int8.tflite")
    g = load_model(str(AD01))
    xs = random_inputs(g, 3, seed=5)
    np.save(project / "tests" / "data" / "ad01_inputs.npy", np.stack([x[0] for x in xs]))
    np.save(project / "tests" / "data" / "ad01_expected.npy",
            np.stack([o[0] for o in tflm_outputs(g, xs)]))    # TFLM's bytes, not tinyc's
    (project / "tests" / "test_models.py").write_text(_docs_example())
    step, env = _ci_step("tests on the board")
    assert step[0] == "pytest"      # the workflow's command, run by the venv's Python
    r = subprocess.run([str(installed.python), "-m", *step], cwd=project,
                       env={**installed.env, **env}, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "tinyc: board mps2-an386, backend native" in r.stdout
    assert re.search(r"\b5 passed\b", r.stdout), r.stdout[-2000:]
