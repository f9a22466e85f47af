#include "mul_s16.h"

int32_t tinyc_mul_s16_scratch_size(const tinyc_mul_params *p)
{
    (void)p;
    return 0;
}

static inline int16_t mul_one(const tinyc_mul_params *p, int16_t a, int16_t b)
{
    /* |a * b| <= 2^30: the int32 product cannot overflow */
    const int32_t out = tinyc_requantize((int32_t)a * (int32_t)b, p->output_multiplier,
                                         p->output_shift);
    return (int16_t)tinyc_clamp_i32(out, p->act_min, p->act_max);
}

int tinyc_mul_s16(const tinyc_mul_params *p, const int16_t *input1, const int16_t *input2,
                  int16_t *output)
{
    if (p->input1_offset || p->input2_offset || p->output_offset) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    if (!p->broadcast) {
        for (int32_t i = 0; i < p->size; i++) {
            output[i] = mul_one(p, input1[i], input2[i]);
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
        int16_t *o = output + r * inner;
        for (int32_t j = 0; j < inner; j++) {
            o[j] = mul_one(p, input1[o1 + j * s1], input2[o2 + j * s2]);
        }
    }
    return TINYC_KERNEL_OK;
}
