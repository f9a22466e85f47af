"""Compile-time quantization arithmetic, bit-for-bit as TFLM computes it at run time."""
from __future__ import annotations

import math

import numpy as np

INT8_MIN, INT8_MAX = -128, 127


def tflm_round(x: float) -> int:
    """std::round: half away from zero."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


class ScaleError(ValueError):
    """A ratio of the model's scales that TFLM's int8 arithmetic cannot represent (the
    lowering adds which op)."""


def quantize_multiplier(m: float) -> tuple[int, int]:
    """TFLM QuantizeMultiplier: a double -> (Q31 multiplier, shift), value = mult * 2^(shift-31).

    A shift over 30 is refused: TFLM (double rounding, as in the wheel) would shift an int32
    by 31 or more, which is undefined; its single-rounding build saturates instead."""
    if m == 0.0:
        return 0, 0
    q, shift = math.frexp(m)
    q_fixed = tflm_round(q * (1 << 31))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        raise ScaleError(f"a requantization multiplier of {m!r} (a ratio of the model's "
                         "scales) is 2^30 or more, which TFLM's int8 kernels cannot apply; "
                         "check the quantization scales")
    return q_fixed, shift


def quantize_multipliers(ms) -> tuple[np.ndarray, np.ndarray]:
    pairs = [quantize_multiplier(float(m)) for m in ms]
    return (np.array([p[0] for p in pairs], np.int32), np.array([p[1] for p in pairs], np.int32))


def activation_range(act: str, scale: float, zero_point: int,
                     qmin: int = INT8_MIN, qmax: int = INT8_MAX) -> tuple[int, int]:
    """TFLM CalculateActivationRangeQuantized for a fused activation. ValueError, as TFLM
    refuses, when a bound quantizes outside int32 (a tiny output scale)."""
    def q(v: float) -> int:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            x = np.float32(v) / np.float32(scale)
        if not -2.0 ** 31 <= x <= 2.0 ** 31 or x != x:
            raise ValueError(f"fused activation {act} bound {v} / output scale {scale!r} is "
                             "outside int32, which TFLM refuses")
        return zero_point + tflm_round(float(x))

    if act in ("NONE", None):
        return qmin, qmax
    if act == "RELU":
        return max(qmin, q(0.0)), qmax
    if act == "RELU6":
        return max(qmin, q(0.0)), min(qmax, q(6.0))
    if act == "RELU_N1_TO_1":
        return max(qmin, q(-1.0)), min(qmax, q(1.0))
    raise ValueError(f"fused activation {act} is not supported on int8 (only NONE, RELU, "
                     "RELU6, RELU_N1_TO_1)")
