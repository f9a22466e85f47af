#include "sigmoid_lut_s16.h"

static inline int32_t rescale(const tinyc_sigmoid_lut_s16_params *p, int16_t x)
{
    const int32_t shift = p->input_left_shift;
    const int32_t round = shift > 0 ? 1 << (shift - 1) : 0;
    return ((int32_t)x * p->input_multiplier + round) >> shift;
}

int tinyc_logistic_s16(const tinyc_sigmoid_lut_s16_params *p, const uint16_t *table,
                       const int16_t *input, int16_t *output)
{
    if (p->input_left_shift < 0 || p->input_left_shift > 31) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    for (int32_t i = 0; i < p->size; i++) {
        const int32_t x = rescale(p, input[i]);
        const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
        /* 9 fraction bits: 2^7 from the input scale, 2^2 from the 3/4 range stretch */
        const uint32_t h = ax >> 9;
        uint32_t r;
        if (h >= 255) {
            r = 0x7FFFu << 10;
        } else {
            const uint32_t a = table[h], b = table[h + 1];
            r = (a << 9) + (ax & 0x1FFu) * (b - a);
        }
        r = x >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
        output[i] = (int16_t)(r >> 10);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_tanh_s16(const tinyc_sigmoid_lut_s16_params *p, const uint16_t *table,
                   const int16_t *input, int16_t *output)
{
    if (p->input_left_shift < 0 || p->input_left_shift > 31) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    for (int32_t i = 0; i < p->size; i++) {
        const int32_t x = rescale(p, input[i]);
        const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
        const uint32_t h = ax >> 8;   /* tanh(x) = 2 sigmoid(2x) - 1: one fraction bit fewer */
        int32_t r;
        if (h >= 255) {
            r = 0xFFFF << 8;
        } else {
            const uint32_t a = table[h], b = table[h + 1];
            r = (int32_t)((a << 8) + (ax & 0xFFu) * (b - a));
        }
        r = x >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
        output[i] = (int16_t)(r >> 8);
    }
    return TINYC_KERNEL_OK;
}
