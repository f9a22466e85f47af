"""Each example's one command, as its README says (emulated board, nothing downloaded)."""
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_example(name: str, *args, env=None, timeout=1200) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(["sh", str(REPO / "examples" / name / "run.sh"), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env)


def last_json(stdout: str):
    return json.loads(stdout[stdout.rindex("\n{\n") + 1:] if not stdout.startswith("{")
                      else stdout)


@pytest.mark.slow
@pytest.mark.qemu
def test_digits(tmp_path):
    r = run_example("digits", tmp_path / "out", env={"DIGITS_SAMPLES": "60", "DIGITS_JSON": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert "fits" in r.stdout and "size: " in r.stdout and "top-1 on 60 samples" in r.stdout
    rep = last_json(r.stdout)
    c = rep["classification"]
    assert rep["board"] == "mps2-an386" and rep["samples"] == 60 and rep["bit_exact"]
    assert c["correct"]["board"] == c["correct"]["int8_host"]
    assert c["accuracy"]["float"] > 0.8 and c["accuracy"]["board"] > 0.8   # it did learn
    assert (tmp_path / "out" / "nano33" / "tinyc.json").is_file()


@pytest.mark.slow
@pytest.mark.qemu
@pytest.mark.parametrize("name,env,library", [
    ("keyword-spotting", {"KWS_SAMPLES": "4"}, "kws_arduino"),
    ("person-detection", {"VWW_SAMPLES": "1"}, "person_arduino"),
])
def test_pretrained_example(tmp_path, name, env, library):
    r = run_example(name, tmp_path / "out", env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    n = list(env.values())[0]
    assert f"bit-exact: {n} samples on mps2-an386" in r.stdout
    assert "instructions" in r.stdout and " yes" in r.stdout      # bench: bit-exact column
    lib = tmp_path / "out" / library
    assert (lib / "library.properties").is_file() and (lib / "tinyc.json").is_file()
