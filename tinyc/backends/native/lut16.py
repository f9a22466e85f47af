"""TFLM's LUTPopulate<int16_t>: 513-entry int16 tables of a float function, interpolated on
the device by LUTLookup (9 index bits, 7 interpolation bits), built here as TFLM builds them
in Prepare: in float32 arithmetic, step by step, with each sample biased by half the
interpolation error at the step's midpoint."""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Callable

import numpy as np

F = np.float32
STEPS = 512


@functools.lru_cache(maxsize=1)
def _libm_expf():
    name = ctypes.util.find_library("m")
    if not name:
        return None
    fn = ctypes.CDLL(name).expf
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return fn


def expf(x: np.float32) -> np.float32:
    """C's expf (what TFLM's std::exp(float) calls), from the C library when there is one."""
    fn = _libm_expf()
    return F(fn(float(x))) if fn else F(np.exp(F(x)))


def one_over_one_plus_x(x: np.float32) -> np.float32:
    return F(F(1.0) / F(F(1.0) + F(x)))


def _round(x: np.float32) -> np.float32:
    """std::round on a float: half away from zero."""
    return F(np.sign(x) * np.floor(np.abs(x) + F(0.5)))


def lut_populate_int16(input_scale: float, input_zero_point: int, output_scale: float,
                       output_zero_point: int, transform: Callable) -> np.ndarray:
    in_s, out_s = F(input_scale), F(output_scale)
    input_min = F(in_s * F(-32768 - input_zero_point))
    input_max = F(in_s * F(32767 - input_zero_point))
    output_min = F(out_s * F(-32768 - output_zero_point))
    output_max = F(out_s * F(32767 - output_zero_point))
    step = F(F(input_max - input_min) / F(STEPS))
    half_step = F(step / F(2))
    inv = F(F(65536) / F(output_max - output_min))
    lut = np.zeros(STEPS + 1, np.int16)
    for i in range(STEPS):
        at = F(input_min + F(F(i) * step))
        val = transform(at)
        val_mid = transform(F(at + half_step))
        val_next = transform(F(input_min + F(F(i + 1) * step)))
        sample = _round(F(val * inv))
        mid_interp = _round(F(F(F(val_next * inv) + sample) / F(2)))
        mid = _round(F(val_mid * inv))
        bias = _round(F(F(mid_interp - mid) / F(2)))
        lut[i] = int(min(max(F(sample - bias), F(-32768)), F(32767)))
    lut[STEPS] = int(min(max(_round(F(transform(input_max) * inv)), F(-32768)), F(32767)))
    return lut


def _range() -> int:
    return 32767 - (-32768)


@functools.lru_cache(maxsize=1)
def softmax_exp_lut() -> np.ndarray:
    """exp on [-10, 0] (TFLM's softmax exp_lut)."""
    return lut_populate_int16(F(10.0) / F(_range()), 32767, F(2.0) / F(_range()), 0, expf)


@functools.lru_cache(maxsize=1)
def softmax_one_over_one_plus_x_lut() -> np.ndarray:
    """1 / (1 + x) on [0, 1] (TFLM's softmax one_over_one_plus_x_lut)."""
    return lut_populate_int16(F(1.0) / F(_range()), -32768, F(2.0) / F(_range()), 0,
                              one_over_one_plus_x)
