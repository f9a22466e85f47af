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
    if (!p->broadcast) {
        for (int32_t i = 0; i < p->size; i++) {
            out[i] = squared_difference_one(p, in1[i], in2[i]);
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
        int8_t *o = out + r * inner;
        for (int32_t j = 0; j < inner; j++) {
            o[j] = squared_difference_one(p, in1[o1 + j * s1], in2[o2 + j * s2]);
        }
    }
    return TINYC_KERNEL_OK;
}
