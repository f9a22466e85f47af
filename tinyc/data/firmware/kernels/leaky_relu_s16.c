#include "leaky_relu_s16.h"

int32_t tinyc_leaky_relu_s16_scratch_size(const tinyc_leaky_relu_s16_params *p)
{
    (void)p;
    return 0;
}

int tinyc_leaky_relu_s16(const tinyc_leaky_relu_s16_params *p, const int16_t *input,
                         int16_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        const int32_t v = (int32_t)input[i] - p->input_zero_point;
        int32_t r = p->output_zero_point;
        if (v >= 0) {
            r += tinyc_requantize(v, p->mult_id, p->shift_id);
        } else {
            const int32_t s = tinyc_requantize(v, p->mult_alpha, p->shift_alpha);
            r += p->alpha_negative ? -s : s;
        }
        output[i] = (int16_t)tinyc_clamp_i32(r, -32768, 32767);
    }
    return TINYC_KERNEL_OK;
}
