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
    if (!tinyc_broadcast_valid(p->broadcast, &p->bc)) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    TINYC_BROADCAST_EACH(p, input1, input2, output, mul_one, p);
    return TINYC_KERNEL_OK;
}
