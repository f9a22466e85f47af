#include "fully_connected_s8.h"

int32_t tinyc_fully_connected_s8_scratch_size(const tinyc_fully_connected_params *p)
{
    (void)p;
    return 0;
}

int tinyc_fully_connected_s8(const tinyc_fully_connected_params *p, const int8_t *input,
                             const int8_t *weights, const int32_t *bias_folded, int8_t *output)
{
    /* output = batches x out_features values, input = batches x in_features */
    TINYC_ASSERT(p->batches >= 1 && p->in_features >= 1 && p->out_features >= 1);
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in = input + b * p->in_features;
        for (int32_t o = 0; o < p->out_features; o++) {
            const int8_t *w = weights + o * p->in_features;
            uint32_t acc = (uint32_t)bias_folded[o];   /* wraps as TFLM's int32 */
            for (int32_t i = 0; i < p->in_features; i++) {
                acc += (uint32_t)((int32_t)in[i] * (int32_t)w[i]);
            }
            const int32_t q = p->per_channel ? o : 0;
            int32_t r = tinyc_requantize((int32_t)acc, p->quant.multiplier[q], p->quant.shift[q]);
            r = tinyc_add_wrap(r, p->output_offset);
            output[b * p->out_features + o] = (int8_t)tinyc_clamp_i32(r, p->act_min, p->act_max);
        }
    }
    return TINYC_KERNEL_OK;
}
