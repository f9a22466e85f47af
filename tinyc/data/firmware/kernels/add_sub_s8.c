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
static inline int8_t add_one(const tinyc_add_params *p, int32_t sign, int8_t a, int8_t b)
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
    if (!tinyc_broadcast_valid(p->broadcast, &p->bc)) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    TINYC_BROADCAST_EACH(p, in1, in2, out, add_one, p, sign);
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
