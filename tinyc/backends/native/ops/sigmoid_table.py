"""The 256-entry table TFLM's int16 sigmoid and tanh interpolate linearly (sigmoid_table_uint16
in TFLite's kernels/internal/common.h): sigmoid(i / 24) in unsigned 0.16, each node raised by
half the mean sag of the chords beside it (a chord lies below a concave curve, above a convex
one), rounded to nearest; the last node is 65535 (1.0 does not fit). This formula gives TFLM's
256 values exactly (the nearest is 0.004 from a rounding edge)."""
from __future__ import annotations

import math

import numpy as np

_STEP = 1.0 / 24.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _node(i: int) -> float:
    x = i * _STEP
    sag = sum(_sigmoid(x + d / 2) - (_sigmoid(x) + _sigmoid(x + d)) / 2 for d in (_STEP, -_STEP))
    return 65536.0 * (_sigmoid(x) + sag / 4)


def sigmoid_table_uint16() -> np.ndarray:
    vals = [math.floor(_node(i) + 0.5) for i in range(255)] + [65535]
    return np.array(vals, np.uint16)
