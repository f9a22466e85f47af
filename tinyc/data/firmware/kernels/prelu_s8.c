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
    if (!tinyc_broadcast_valid(p->broadcast, &p->bc)) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    TINYC_BROADCAST_EACH(p, input, alpha, output, prelu_one, p);
    return TINYC_KERNEL_OK;
}
