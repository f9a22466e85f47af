#include "prelu_s8.h"

static inline int8_t prelu_one(const tinyc_prelu_params *p, int8_t x, int8_t a)
{
    const int32_t v = p->input_offset + x;
    int32_t out;
    if (v >= 0) {
        out = tinyc_requantize(v, p->multiplier_pos, p->shift_pos);
    } else {
        out = tinyc_requantize(v * (p->alpha_offset + a), p->multiplier_neg, p->shift_neg);
    }
    return (int8_t)tinyc_clamp_i32(out + p->output_offset, -128, 127);
}

int tinyc_prelu_s8(const tinyc_prelu_params *p, const int8_t *input, const int8_t *alpha,
                   int8_t *output)
{
    if (!p->broadcast) {
        for (int32_t i = 0; i < p->size; i++) {
            output[i] = prelu_one(p, input[i], alpha[i]);
        }
        return TINYC_KERNEL_OK;
    }
    const tinyc_broadcast *b = &p->bc;
    const int32_t inner = b->dims[TINYC_BROADCAST_DIMS - 1];
    const int32_t s1 = b->stride1[TINYC_BROADCAST_DIMS - 1];
    const int32_t s2 = b->stride2[TINYC_BROADCAST_DIMS - 1];
    if (inner <= 0) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t rows = p->size / inner;
    for (int32_t r = 0; r < rows; r++) {
        int32_t o1, o2;
        tinyc_broadcast_row(b, r, &o1, &o2);
        int8_t *o = output + r * inner;
        for (int32_t j = 0; j < inner; j++) {
            o[j] = prelu_one(p, input[o1 + j * s1], alpha[o2 + j * s2]);
        }
    }
    return TINYC_KERNEL_OK;
}
