#include "add_n_s8.h"

static int32_t scaled(const tinyc_add_n_params *p, int32_t v)
{
    return tinyc_requantize(v * (1 << p->left_shift), p->input_multiplier, p->input_shift);
}

int tinyc_add_n_s8(const tinyc_add_n_params *p, const int8_t *const *inputs, int8_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        int32_t acc = scaled(p, p->input_offset);      /* TFLM starts from its x = offset */
        for (int32_t j = 0; j < p->n_inputs; j++) {
            acc += scaled(p, p->input_offset + inputs[j][i]);
        }
        const int32_t out = tinyc_requantize(acc, p->output_multiplier, p->output_shift) +
                            p->output_offset;
        output[i] = (int8_t)tinyc_clamp_i32(out, p->act_min, p->act_max);
    }
    return TINYC_KERNEL_OK;
}
