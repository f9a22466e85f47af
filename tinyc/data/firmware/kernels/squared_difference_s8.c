#include "squared_difference_s8.h"

static inline int8_t squared_difference_one(const tinyc_squared_difference_params *p, int8_t a,
                                            int8_t b)
{
    const int32_t x = tinyc_requantize((p->input1_offset + a) * ((int32_t)1 << p->left_shift),
                                       p->input1_multiplier, p->input1_shift);
    const int32_t y = tinyc_requantize((p->input2_offset + b) * ((int32_t)1 << p->left_shift),
                                       p->input2_multiplier, p->input2_shift);
    const int32_t d = x - y;
    const int32_t out = tinyc_requantize(d * d, p->output_multiplier, p->output_shift) +
                        p->output_offset;
    return (int8_t)tinyc_clamp_i32(out, -128, 127);
}

int tinyc_squared_difference_s8(const tinyc_squared_difference_params *p, const int8_t *in1,
                                const int8_t *in2, int8_t *out)
{
    if (!tinyc_broadcast_valid(p->broadcast, &p->bc)) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    TINYC_BROADCAST_EACH(p, in1, in2, out, squared_difference_one, p);
    return TINYC_KERNEL_OK;
}
