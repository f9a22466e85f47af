"""HARD_SWISH, int8: a 256-entry table with TFLM's reference int16 fixed-point arithmetic."""
from __future__ import annotations

from tinyc.backends.native.fixedpoint import (INT16_MAX, INT16_MIN, INT32_MAX, _div_trunc, srdhm16,
                                              wrap16)
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import f32, make_table, unary_lut
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.errors import TinycError


def _downscale_to_int16(m32: int) -> int:
    """TFLM DownScaleInt32ToInt16Multiplier."""
    if m32 >= INT32_MAX - (1 << 15):
        return INT16_MAX
    return (m32 + (1 << 15)) >> 16


def _sat_left_shift16(v: int, amount: int) -> int:
    return max(INT16_MIN, min(INT16_MAX, v * (1 << amount)))


def _rdbpot16(x: int, exponent: int) -> int:
    mask = wrap16((1 << exponent) - 1)
    remainder = wrap16(x & mask)
    threshold = wrap16((mask >> 1) + (1 if x < 0 else 0))
    return wrap16((x >> exponent) + (1 if remainder > threshold else 0))


def _sat_doubling_high_mul16(a: int, b: int) -> int:
    if a == b == INT16_MIN:
        return INT16_MAX
    return wrap16(_div_trunc(a * b, 1 << 15))


def hard_swish_table(inp, out, op_index: int = -1):
    s_in, s_out = f32(scale(inp)), f32(scale(out))
    hires_input_scale = f32(f32(1.0 / 128.0) * s_in)
    reluish_scale = f32(f32(3.0) / f32(32768.0))
    om32, oexp = quantize_multiplier(f32(hires_input_scale / s_out))
    rm32, rexp = quantize_multiplier(f32(hires_input_scale / reluish_scale))
    if oexp > 0:
        raise TinycError(f"op {op_index} HARD_SWISH: output scale too small for the input scale "
                         "(TFLM requires output_multiplier_exponent <= 0)")
    om16, rm16 = _downscale_to_int16(om32), _downscale_to_int16(rm32)
    in_zp, out_zp = zp(inp), zp(out)

    def fn(x):
        iv = wrap16(x - in_zp)
        hires = wrap16(iv * (1 << 7))
        pre_out = srdhm16(hires, om16)
        rv = hires
        if rexp > 0:
            rv = _sat_left_shift16(rv, rexp - 1)
        rv = srdhm16(rv, rm16)
        if rexp > 0:
            rv = _sat_left_shift16(rv, 1)
        if rexp < 0:
            rv = _rdbpot16(rv, -rexp)
        rv = wrap16((rv + (1 << 15)) >> 1)
        pre = _sat_doubling_high_mul16(rv, pre_out)
        v = wrap16(_rdbpot16(pre, -oexp) + out_zp)
        return min(127, max(-128, v))
    return make_table(fn)


unary_lut("HARD_SWISH", lambda inp, out, op: hard_swish_table(inp, out, op.index))
