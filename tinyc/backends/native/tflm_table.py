"""TFLM's sigmoid_table_uint16, read from the tflite-micro wheel's compiled runtime.

TFLM's int16 LOGISTIC and TANH interpolate a 256-entry table of sigmoid(i / 24) in 0.16 fixed
point whose entries are not a rounding of the closed form (they differ from it by up to about
one unit, in no pattern a formula reproduces), so being bit-exact means using TFLM's own
numbers. tinyc takes them from the reference it is verified against: the one uint16 run in the
wheel's _runtime.so that starts at 32768, ends at 65535, never decreases, and stays within 2 of
65536 * sigmoid(i / 24)."""
from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import numpy as np

from tinyc.errors import TinycError

ENTRIES = 256


def _close_to_sigmoid(table: np.ndarray) -> bool:
    ideal = np.array([65536.0 / (1.0 + math.exp(-i / 24.0)) for i in range(ENTRIES)])
    return (table[0] == 32768 and table[-1] == 65535 and bool(np.all(np.diff(table) >= 0))
            and float(np.max(np.abs(table - ideal))) <= 2.0)


def _runtime_library() -> Path | None:
    try:
        import tflite_micro
    except ImportError:
        return None
    hits = sorted(Path(tflite_micro.__file__).parent.rglob("_runtime*.so"))
    return hits[0] if hits else None


@functools.lru_cache(maxsize=1)
def sigmoid_table_uint16() -> np.ndarray:
    lib = _runtime_library()
    data = lib.read_bytes() if lib else b""
    for m in re.finditer(re.escape(np.uint16(32768).astype("<u2").tobytes()), data):
        chunk = data[m.start():m.start() + 2 * ENTRIES]
        if len(chunk) < 2 * ENTRIES:
            break
        table = np.frombuffer(chunk, "<u2").astype(np.int64)
        if _close_to_sigmoid(table):
            return table.astype(np.uint16)
    raise TinycError("int16 LOGISTIC/TANH need TFLM's sigmoid table, read from the tflite-micro "
                     "package, which is missing or has none: pip install tflite-micro")
