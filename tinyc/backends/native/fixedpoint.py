"""TFLM's integer arithmetic (gemmlowp fixed point) re-implemented in Python, bit for bit.

Used at compile time to build lookup tables: for an int8 input there are only 256 possible
values, so a unary op becomes a 256-entry table computed here and checked exhaustively
against the TFLM interpreter by the tests. Raw values are Python ints kept in int32 range
with the same wrap-around the C++ code has on two's-complement targets.
"""
from __future__ import annotations

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1


def wrap32(x: int) -> int:
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def wrap16(x: int) -> int:
    return ((x + (1 << 15)) & 0xFFFF) - (1 << 15)


def _div_trunc(a: int, b: int) -> int:
    """C integer division (rounds toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def srdhm(a: int, b: int) -> int:
    """gemmlowp SaturatingRoundingDoublingHighMul, int32."""
    if a == b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    return _div_trunc(ab + nudge, 1 << 31)


def srdhm16(a: int, b: int) -> int:
    """gemmlowp SaturatingRoundingDoublingHighMul, int16."""
    if a == b == INT16_MIN:
        return INT16_MAX
    ab = a * b
    nudge = (1 << 14) if ab >= 0 else 1 - (1 << 14)
    return wrap16(_div_trunc(ab + nudge, 1 << 15))


def rdbpot(x: int, exponent: int) -> int:
    """gemmlowp RoundingDivideByPOT (rounding arithmetic right shift, ties away from zero)."""
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def mbqm(x: int, multiplier: int, shift: int) -> int:
    """TFLM MultiplyByQuantizedMultiplier(int32 x, ...), double rounding."""
    left = shift if shift > 0 else 0
    right = 0 if shift > 0 else -shift
    return rdbpot(srdhm(wrap32(x * (1 << left)), multiplier), right)


def sat_mul_pot(x: int, exponent: int, bits: int = 32) -> int:
    """gemmlowp SaturatingRoundingMultiplyByPOT<exponent>."""
    if exponent == 0:
        return x
    if exponent < 0:
        return rdbpot(x, -exponent)
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    threshold = (1 << (bits - 1 - exponent)) - 1
    if x > threshold:
        return hi
    if x < -threshold:
        return lo
    return wrap32(x << exponent) if bits == 32 else wrap16(x << exponent)


def rounding_half_sum(a: int, b: int) -> int:
    s = a + b
    return _div_trunc(s + (1 if s >= 0 else -1), 2)


def _one(integer_bits: int) -> int:
    return INT32_MAX if integer_bits == 0 else 1 << (31 - integer_bits)


def _exp_on_interval_between_negative_one_quarter_and_0_excl(a: int) -> int:
    constant_term = 1895147668
    constant_1_over_3 = 715827883
    x = wrap32(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = sat_mul_pot(x4, -2)
    t = sat_mul_pot(wrap32(srdhm(wrap32(x4_over_4 + x3), constant_1_over_3) + x2), -1)
    return wrap32(constant_term + srdhm(constant_term, wrap32(x + t)))


_EXP_BARREL = [(-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
               (2, 39332535), (3, 720401), (4, 242)]


def exp_on_negative_values(a: int, integer_bits: int) -> int:
    """gemmlowp exp_on_negative_values: a is FixedPoint<int32, integer_bits>, result Q0.31."""
    frac = 31 - integer_bits
    one_quarter = 1 << (frac - 2)
    mask = one_quarter - 1
    a_mod = wrap32((a & mask) - one_quarter)
    result = _exp_on_interval_between_negative_one_quarter_and_0_excl(
        sat_mul_pot(a_mod, integer_bits))            # Rescale<0>
    remainder = wrap32(a_mod - a)
    for exponent, mult in _EXP_BARREL:
        if integer_bits > exponent:
            shift = frac + exponent
            if remainder & (1 << shift):
                result = srdhm(result, mult)
    if integer_bits > 5:
        clamp = -(1 << (36 - integer_bits))
        if a < clamp:
            result = 0
    if a == 0:
        result = INT32_MAX
    return result


def _newton_reciprocal_f2(a: int) -> int:
    """The shared Newton-Raphson core: x ~ 1/(1+a) in Q2.29 (a in Q0.31, [0, 1))."""
    half_denominator = rounding_half_sum(a, INT32_MAX)
    c48_17, cneg32_17 = 1515870810, -1010580540
    x = wrap32(c48_17 + srdhm(half_denominator, cneg32_17))
    one_f2 = 1 << 29
    for _ in range(3):
        hdx = srdhm(half_denominator, x)
        one_minus = wrap32(one_f2 - hdx)
        x = wrap32(x + sat_mul_pot(srdhm(x, one_minus), 2))   # Rescale<2> from F4
    return x


def one_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    return sat_mul_pot(_newton_reciprocal_f2(a), 1)            # ExactMulByPot<-1> then Rescale<0>


def one_minus_x_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    return sat_mul_pot(wrap32(_newton_reciprocal_f2(a) - (1 << 29)), 2)


def logistic(a: int, integer_bits: int) -> int:
    """gemmlowp logistic of FixedPoint<int32, integer_bits>, Q0.31 result."""
    if a == 0:
        return 1 << 30
    abs_input = a if a > 0 else wrap32(-a)
    pos = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(wrap32(-abs_input),
                                                                  integer_bits))
    return pos if a > 0 else wrap32(INT32_MAX - pos)


def tanh(a: int, integer_bits: int) -> int:
    """gemmlowp tanh of FixedPoint<int32, integer_bits>, Q0.31 result."""
    if a == 0:
        return 0
    n = a if a < 0 else wrap32(-a)
    # exp_on_negative_values(ExactMulByPot<1>(n)): same raw value, one more integer bit.
    t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(n, integer_bits + 1))
    return wrap32(-t) if a < 0 else t


def clz32(x: int) -> int:
    x &= 0xFFFFFFFF
    return 32 - x.bit_length()


def get_reciprocal(x: int, x_integer_digits: int) -> tuple[int, int]:
    """TFLM GetReciprocal: (Q0.31 1/x scaled, num_bits_over_unit)."""
    headroom_plus_one = clz32(x)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted_sum_minus_one = wrap32(((x << headroom_plus_one) & 0xFFFFFFFF) - (1 << 31))
    return one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one), num_bits_over_unit
