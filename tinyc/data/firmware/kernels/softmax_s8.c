#include "softmax_s8.h"
#include "tinyc_fixedpoint.h"

int32_t tinyc_softmax_s8_scratch_size(const tinyc_softmax_params *p)
{
    (void)p;
    return 0;
}

/* One row loop for both output types: out_bits 8 writes int8 (zero point -128), 16 int16
 * (zero point -32768), as TFLM's Softmax<int8_t, OutputT>. */
static int softmax_rows(const tinyc_softmax_params *p, const int8_t *input, int8_t *out8,
                        int16_t *out16)
{
    /* input shape = output shape = outer x depth */
    TINYC_ASSERT(p->outer >= 1 && p->depth >= 1);
    TINYC_ASSERT(p->exp_size >= 1 && p->exp_size <= 256);
    const int32_t accum_integer_bits = 12;
    const int32_t out_bits = out16 ? 16 : 8;
    const int32_t out_min = out16 ? -32768 : -128, out_max = out16 ? 32767 : 127;
    for (int32_t r = 0; r < p->outer; r++) {
        const int8_t *x = input + r * p->depth;
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
        const int32_t exponent = num_bits_over_unit + 31 - out_bits;
        if (exponent < 0 || exponent > 31) {
            return TINYC_KERNEL_BAD_PARAMS;   /* TFLM aborts here too (TFLITE_CHECK) */
        }
        for (int32_t c = 0; c < p->depth; c++) {
            const int32_t d = max - x[c];
            int32_t out = out_min;
            if (d < p->exp_size) {
                out = tinyc_rounding_divide_by_pot(
                          tinyc_sat_rounding_doubling_high_mul(scale, p->exp_table[d]),
                          exponent) + out_min;
                out = tinyc_clamp_i32(out, out_min, out_max);
            }
            if (out16) {
                out16[r * p->depth + c] = (int16_t)out;
            } else {
                out8[r * p->depth + c] = (int8_t)out;
            }
        }
    }
    return TINYC_KERNEL_OK;
}

int tinyc_softmax_s8(const tinyc_softmax_params *p, const int8_t *input, int8_t *output)
{
    return softmax_rows(p, input, output, NULL);
}

int tinyc_softmax_s8_s16(const tinyc_softmax_params *p, const int8_t *input, int16_t *output)
{
    return softmax_rows(p, input, NULL, output);
}
