#include "softmax_s8.h"

int32_t tinyc_softmax_s8_scratch_size(const tinyc_softmax_params *p)
{
    (void)p;
    return 0;
}

static int clz32(uint32_t x)
{
    int n = 0;
    if (x == 0) {
        return 32;
    }
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* gemmlowp SaturatingRoundingMultiplyByPOT<2> on an int32. */
static int32_t sat_shift_left_2(int32_t x)
{
    const int32_t threshold = (1 << 29) - 1;
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << 2);
}

static int32_t wrapping_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1 (Newton-Raphson), Q0.31 in and out. */
static int32_t one_over_one_plus_x(int32_t a)
{
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t c48_over_17 = 1515870810;          /* Q2.29 */
    const int32_t cneg32_over_17 = -1010580540;      /* Q2.29 */
    const int32_t one_q2 = 1 << 29;
    int32_t x = wrapping_add(c48_over_17,
                             tinyc_sat_rounding_doubling_high_mul(half_denominator, cneg32_over_17));
    for (int i = 0; i < 3; i++) {
        const int32_t hdx = tinyc_sat_rounding_doubling_high_mul(half_denominator, x);
        const int32_t one_minus = (int32_t)((uint32_t)one_q2 - (uint32_t)hdx);
        x = wrapping_add(x, sat_shift_left_2(tinyc_sat_rounding_doubling_high_mul(x, one_minus)));
    }
    /* ExactMulByPot<-1> then Rescale<0>: a saturating left shift by 1. */
    if (x > (1 << 30) - 1) {
        return INT32_MAX;
    }
    if (x < -((1 << 30) - 1)) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << 1);
}

int tinyc_softmax_s8(const tinyc_softmax_params *p, const int8_t *input, int8_t *output)
{
    /* input shape = output shape = outer x depth */
    TINYC_ASSERT(p->outer >= 1 && p->depth >= 1);
    TINYC_ASSERT(p->exp_size >= 1 && p->exp_size <= 256);
    const int32_t accum_integer_bits = 12;
    for (int32_t r = 0; r < p->outer; r++) {
        const int8_t *x = input + r * p->depth;
        int8_t *y = output + r * p->depth;
        int32_t max = -128;
        for (int32_t c = 0; c < p->depth; c++) {
            max = tinyc_max_i32(max, x[c]);
        }
        int32_t sum = 0;   /* Q12.19 */
        for (int32_t c = 0; c < p->depth; c++) {
            const int32_t d = max - x[c];
            if (d < p->exp_size) {
                sum = wrapping_add(sum, tinyc_rounding_divide_by_pot(p->exp_table[d],
                                                                     accum_integer_bits));
            }
        }
        const int headroom_plus_one = clz32((uint32_t)sum);
        const int32_t num_bits_over_unit = accum_integer_bits - headroom_plus_one;
        const int32_t shifted_sum_minus_one =
            (int32_t)(((uint32_t)sum << headroom_plus_one) - ((uint32_t)1 << 31));
        const int32_t scale = one_over_one_plus_x(shifted_sum_minus_one);
        const int32_t exponent = num_bits_over_unit + 31 - 8;
        if (exponent < 0 || exponent > 31) {
            return TINYC_KERNEL_BAD_PARAMS;   /* TFLM aborts here too (TFLITE_CHECK) */
        }
        for (int32_t c = 0; c < p->depth; c++) {
            const int32_t d = max - x[c];
            int32_t out = -128;
            if (d < p->exp_size) {
                out = tinyc_rounding_divide_by_pot(
                          tinyc_sat_rounding_doubling_high_mul(scale, p->exp_table[d]),
                          exponent) - 128;
                out = tinyc_clamp_i32(out, -128, 127);
            }
            y[c] = (int8_t)out;
        }
    }
    return TINYC_KERNEL_OK;
}
