#include "mul_s8.h"

int32_t tinyc_mul_s8_scratch_size(const tinyc_mul_params *p)
{
    (void)p;
    return 0;
}

static inline int8_t mul_one(const tinyc_mul_params *p, int8_t a, int8_t b)
{
    const int32_t prod = ((int32_t)a + p->input1_offset) * ((int32_t)b + p->input2_offset);
    const int32_t out = tinyc_add_wrap(
        tinyc_requantize(prod, p->output_multiplier, p->output_shift), p->output_offset);
    return (int8_t)tinyc_clamp_i32(out, p->act_min, p->act_max);
}

int tinyc_mul_s8(const tinyc_mul_params *p, const int8_t *input1, const int8_t *input2,
                 int8_t *output)
{
    if (!tinyc_broadcast_valid(p->broadcast, &p->bc)) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    TINYC_BROADCAST_EACH(p, input1, input2, output, mul_one, p);
    return TINYC_KERNEL_OK;
}
