#include "fully_connected_s16.h"

int32_t tinyc_fully_connected_s16_scratch_size(const tinyc_fully_connected_s16_params *p)
{
    (void)p;
    return 0;
}

int tinyc_fully_connected_s16(const tinyc_fully_connected_s16_params *p, const int16_t *input,
                              const int8_t *weights, const int64_t *bias_folded,
                              int16_t *output)
{
    const tinyc_fully_connected_params *fc = &p->fc;
    if (fc->batches < 1 || fc->in_features < 1 || fc->out_features < 1) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    for (int32_t b = 0; b < fc->batches; b++) {
        const int16_t *in = input + b * fc->in_features;
        for (int32_t o = 0; o < fc->out_features; o++) {
            const int8_t *w = weights + o * fc->in_features;
            int64_t acc = bias_folded[o];
            for (int32_t i = 0; i < fc->in_features; i++) {
                acc += (int32_t)in[i] * (int32_t)w[i];
            }
            const int32_t q = fc->per_channel ? o : 0;
            const int32_t m = fc->quant.multiplier[q], s = fc->quant.shift[q];
            /* the int32 sum wraps as TFLM's: the low 32 bits of the exact one */
            int32_t r = p->int32_accumulator ? tinyc_requantize((int32_t)(uint32_t)(uint64_t)acc, m, s)
                                             : tinyc_requantize_i64(acc, m, s);
            r = tinyc_add_wrap(r, fc->output_offset);
            output[b * fc->out_features + o] = (int16_t)tinyc_clamp_i32(r, fc->act_min, fc->act_max);
        }
    }
    return TINYC_KERNEL_OK;
}
