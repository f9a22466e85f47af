#include "softmax_s8.h"
#include "tinyc_fixedpoint.h"

int32_t tinyc_softmax_s8_scratch_size(const tinyc_softmax_params *p)
{
    (void)p;
    return 0;
}

/* One row's largest input, and the reciprocal of its sum of exps (Q0.31) with the exponent
 * that brings exp x reciprocal to an output of `bits` bits (TFLM: num_bits_over_unit + 31 -
 * bits). 0, or TINYC_KERNEL_BAD_PARAMS where TFLM aborts (TFLITE_CHECK on the shift). */
static int row_scale(const tinyc_softmax_params *p, const int8_t *x, int32_t bits,
                     int32_t *max_out, int32_t *scale, int32_t *exponent)
{
    const int32_t accum_integer_bits = 12;
    int32_t max = -128;
    for (int32_t c = 0; c < p->depth; c++) {
        max = tinyc_max_i32(max, x[c]);
    }
    int32_t sum = 0;   /* Q12.19 */
    for (int32_t c = 0; c < p->depth; c++) {
        const int32_t d = max - x[c];
        if (d < p->exp_size) {
            sum = tinyc_wrapping_add(sum, tinyc_rounding_divide_by_pot(p->exp_table[d],
                                                                 accum_integer_bits));
        }
    }
    const int headroom_plus_one = tinyc_clz32((uint32_t)sum);
    const int32_t num_bits_over_unit = accum_integer_bits - headroom_plus_one;
    const int32_t shifted_sum_minus_one =
        (int32_t)(((uint32_t)sum << headroom_plus_one) - ((uint32_t)1 << 31));
    *max_out = max;
    *scale = tinyc_one_over_one_plus_x(shifted_sum_minus_one);
    *exponent = num_bits_over_unit + 31 - bits;
    return *exponent < 0 || *exponent > 31 ? TINYC_KERNEL_BAD_PARAMS : TINYC_KERNEL_OK;
}

/* exp(diff) x reciprocal, shifted to the output's range and offset by its minimum `lo`. */
static inline int32_t row_value(const tinyc_softmax_params *p, int32_t d, int32_t scale,
                                int32_t exponent, int32_t lo, int32_t hi)
{
    if (d >= p->exp_size) {
        return lo;
    }
    const int32_t v = tinyc_rounding_divide_by_pot(
        tinyc_sat_rounding_doubling_high_mul(scale, p->exp_table[d]), exponent) + lo;
    return tinyc_clamp_i32(v, lo, hi);
}

int tinyc_softmax_s8(const tinyc_softmax_params *p, const int8_t *input, int8_t *output)
{
    /* input shape = output shape = outer x depth */
    TINYC_ASSERT(p->outer >= 1 && p->depth >= 1);
    TINYC_ASSERT(p->exp_size >= 1 && p->exp_size <= 256);
    for (int32_t r = 0; r < p->outer; r++) {
        const int8_t *x = input + r * p->depth;
        int8_t *y = output + r * p->depth;
        int32_t max, scale, exponent;
        if (row_scale(p, x, 8, &max, &scale, &exponent) != TINYC_KERNEL_OK) {
            return TINYC_KERNEL_BAD_PARAMS;
        }
        for (int32_t c = 0; c < p->depth; c++) {
            y[c] = (int8_t)row_value(p, max - x[c], scale, exponent, INT8_MIN, INT8_MAX);
        }
    }
    return TINYC_KERNEL_OK;
}

int tinyc_softmax_s8_s16(const tinyc_softmax_params *p, const int8_t *input, int16_t *output)
{
    TINYC_ASSERT(p->outer >= 1 && p->depth >= 1);
    TINYC_ASSERT(p->exp_size >= 1 && p->exp_size <= 256);
    for (int32_t r = 0; r < p->outer; r++) {
        const int8_t *x = input + r * p->depth;
        int16_t *y = output + r * p->depth;
        int32_t max, scale, exponent;
        if (row_scale(p, x, 16, &max, &scale, &exponent) != TINYC_KERNEL_OK) {
            return TINYC_KERNEL_BAD_PARAMS;
        }
        for (int32_t c = 0; c < p->depth; c++) {
            y[c] = (int16_t)row_value(p, max - x[c], scale, exponent, INT16_MIN, INT16_MAX);
        }
    }
    return TINYC_KERNEL_OK;
}
