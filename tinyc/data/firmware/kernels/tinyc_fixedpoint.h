/* gemmlowp fixed-point pieces the kernels run on the device because their input depends on the
 * data (softmax's and log-softmax's sums, L2 norms): bit for bit as TFLM's reference uses them.
 * Raw int32 values; wrap-around where gemmlowp's plain operators wrap. */
#ifndef TINYC_FIXEDPOINT_H
#define TINYC_FIXEDPOINT_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline int32_t tinyc_clz32(uint32_t x)
{
    int32_t n = 0;
    while (n < 32 && !(x & (0x80000000u >> n))) {
        n++;
    }
    return n;
}

static inline int32_t tinyc_wrapping_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t tinyc_wrapping_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

static inline int32_t tinyc_saturating_add(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a + b;
    return s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : (int32_t)s);
}

static inline int32_t tinyc_saturating_sub(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a - b;
    return s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : (int32_t)s);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT for 0 <= exponent <= 31 (a saturating left shift). */
static inline int32_t tinyc_sat_shift_left(int32_t x, int32_t exponent)
{
    if (exponent == 0) {
        return x;
    }
    const int32_t threshold = (int32_t)(((uint32_t)1 << (31 - exponent)) - 1u);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* gemmlowp RoundingHalfSum on int32. */
static inline int32_t tinyc_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1 (Newton-Raphson), Q0.31 in and out. */
static inline int32_t tinyc_one_over_one_plus_x(int32_t a)
{
    const int32_t half_denominator = tinyc_rounding_half_sum(a, INT32_MAX);
    const int32_t c48_over_17 = 1515870810;          /* Q2.29 */
    const int32_t cneg32_over_17 = -1010580540;      /* Q2.29 */
    const int32_t one_q2 = 1 << 29;
    int32_t x = tinyc_wrapping_add(
        c48_over_17, tinyc_sat_rounding_doubling_high_mul(half_denominator, cneg32_over_17));
    for (int i = 0; i < 3; i++) {
        const int32_t hdx = tinyc_sat_rounding_doubling_high_mul(half_denominator, x);
        const int32_t one_minus = tinyc_wrapping_sub(one_q2, hdx);
        x = tinyc_wrapping_add(
            x, tinyc_sat_shift_left(tinyc_sat_rounding_doubling_high_mul(x, one_minus), 2));
    }
    /* ExactMulByPot<-1> then Rescale<0>: a saturating left shift by 1. */
    return tinyc_sat_shift_left(x, 1);
}

#ifdef __cplusplus
}
#endif

#endif
