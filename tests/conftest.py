import subprocess
import sys
from pathlib import Path

import pytest

from tinyc.models_dir import models_dir

MODELS = models_dir()
ALL_MODELS = sorted(MODELS.glob("*/*.tflite"))
MLPERF = sorted((MODELS / "mlperf_tiny").glob("*.tflite"))


def model(name: str) -> Path:
    hits = [p for p in ALL_MODELS if p.stem == name or p.name == name]
    if not hits:
        pytest.fail(f"shared model {name} not found under {MODELS} (set TINYC_MODELS)")
    return hits[0]


def run_tinyc(*args, timeout=600, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tinyc", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, **kw)


@pytest.fixture(scope="session", autouse=True)
def _models_present():
    if not ALL_MODELS:
        pytest.fail(f"no shared models under {MODELS}: set TINYC_MODELS")
