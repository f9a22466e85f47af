#include "softmax_s8.h"
#include "tinyc_fixedpoint.h"

int32_t tinyc_softmax_s8_scratch_size(const tinyc_softmax_params *p)
{
    (void)p;
    return 0;
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
                sum = tinyc_wrapping_add(sum, tinyc_rounding_divide_by_pot(p->exp_table[d],
                                                                     accum_integer_bits));
            }
        }
        const int headroom_plus_one = tinyc_clz32((uint32_t)sum);
        const int32_t num_bits_over_unit = accum_integer_bits - headroom_plus_one;
        const int32_t shifted_sum_minus_one =
            (int32_t)(((uint32_t)sum << headroom_plus_one) - ((uint32_t)1 << 31));
        const int32_t scale = tinyc_one_over_one_plus_x(shifted_sum_minus_one);
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
