#include "softmax_s16.h"
#include "tinyc_fixedpoint.h"

/* TFLM's LUTLookup for int16: 9 bits of index, 7 of linear interpolation. */
static inline int16_t lut_lookup(int16_t value, const int16_t *lut)
{
    const int32_t index = 256 + (value >> 7);
    const int32_t offset = value & 0x7F;
    const int16_t base = lut[index];
    const int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
    return (int16_t)(base + ((slope * offset + 64) >> 7));
}

int tinyc_softmax_s16(const tinyc_softmax_s16_params *p, const int16_t *input, int16_t *output)
{
    if (p->depth < 1 || p->outer < 0) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    for (int32_t i = 0; i < p->outer; i++) {
        const int16_t *in = input + i * p->depth;
        int16_t *out = output + i * p->depth;
        int16_t max_in_row = -32768;
        for (int32_t c = 0; c < p->depth; c++) {
            max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
        }
        int32_t sum_of_exps = 0;   /* Q16.15 */
        for (int32_t c = 0; c < p->depth; c++) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            /* [-65535, 0] is [-10, 0]; recentred to [-32768, 32767] for the table */
            const int32_t scaled = tinyc_requantize(diff, p->input_multiplier, p->input_shift);
            out[c] = lut_lookup((int16_t)tinyc_clamp_i32(scaled + 32767, -32768, 32767),
                                p->exp_lut);
            sum_of_exps += out[c];
        }
        if (sum_of_exps <= 0) {
            return TINYC_KERNEL_BAD_PARAMS;   /* the row's maximum has exp(0) > 0 */
        }
        const int32_t headroom_plus_one = tinyc_clz32((uint32_t)sum_of_exps);
        const int32_t shifted_sum =
            (int32_t)((((int64_t)sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        /* 1 / (1 + x) with x = sum - 1, recentred from [0, 65535] to [-32768, 32767] */
        const int32_t sym = shifted_sum - ((1 << 15) + (1 << 16));
        const int16_t reciprocal = lut_lookup((int16_t)tinyc_clamp_i32(sym, -32768, 32767),
                                              p->one_over_one_plus_x_lut);
        const int32_t right_shift = 31 - headroom_plus_one;
        const int64_t round = (int64_t)1 << (right_shift - 1);
        for (int32_t c = 0; c < p->depth; c++) {
            const int32_t r = (int32_t)(((int64_t)out[c] * reciprocal + round) >> right_shift);
            out[c] = (int16_t)tinyc_clamp_i32(r, 0, 32767);
        }
    }
    return TINYC_KERNEL_OK;
}
