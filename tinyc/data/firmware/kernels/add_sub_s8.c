#include "add_sub_s8.h"

int32_t tinyc_add_s8_scratch_size(const tinyc_add_params *p)
{
    (void)p;
    return 0;
}

int32_t tinyc_sub_s8_scratch_size(const tinyc_add_params *p)
{
    (void)p;
    return 0;
}

static inline int32_t scaled_input(int32_t x, int32_t offset, int32_t left_shift,
                                   int32_t multiplier, int32_t shift)
{
    const int32_t shifted = (x + offset) * ((int32_t)1 << left_shift);
    return tinyc_requantize(shifted, multiplier, shift);
}

/* sign = 1 for ADD, -1 for SUB. */
static inline int8_t add_one(const tinyc_add_params *p, int8_t a, int8_t b, int32_t sign)
{
    const int32_t x = scaled_input(a, p->input1_offset, p->left_shift, p->input1_multiplier,
                                   p->input1_shift);
    const int32_t y = scaled_input(b, p->input2_offset, p->left_shift, p->input2_multiplier,
                                   p->input2_shift);
    const int32_t raw = sign > 0 ? x + y : x - y;
    const int32_t out = tinyc_add_wrap(
        tinyc_requantize(raw, p->output_multiplier, p->output_shift), p->output_offset);
    return (int8_t)tinyc_clamp_i32(out, p->act_min, p->act_max);
}

static int add_sub(const tinyc_add_params *p, const int8_t *in1, const int8_t *in2,
                   int8_t *out, int32_t sign)
{
    if (!p->broadcast) {
        for (int32_t i = 0; i < p->size; i++) {
            out[i] = add_one(p, in1[i], in2[i], sign);
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
            o[j] = add_one(p, in1[o1 + j * s1], in2[o2 + j * s2], sign);
        }
    }
    return TINYC_KERNEL_OK;
}

int tinyc_add_s8(const tinyc_add_params *p, const int8_t *input1, const int8_t *input2,
                 int8_t *output)
{
    return add_sub(p, input1, input2, output, 1);
}

int tinyc_sub_s8(const tinyc_add_params *p, const int8_t *input1, const int8_t *input2,
                 int8_t *output)
{
    return add_sub(p, input1, input2, output, -1);
}
