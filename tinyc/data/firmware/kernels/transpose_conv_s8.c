#include "transpose_conv_s8.h"
#include "transpose_conv_scatter.h"

int32_t tinyc_transpose_conv_s8_scratch_size(const tinyc_transpose_conv_params *p)
{
    return p->output.n * p->output.h * p->output.w * p->output.c * (int32_t)sizeof(int32_t);
}

int tinyc_transpose_conv_s8(const tinyc_transpose_conv_params *p, tinyc_ctx scratch,
                            const int8_t *input, const int8_t *filter, const int32_t *bias,
                            int8_t *output)
{
    const int32_t scratch_size = tinyc_transpose_conv_s8_scratch_size(p);
    if (scratch.size < scratch_size) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (p->filter.c != p->input.c || p->filter.n != p->output.c) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    uint32_t *acc = (uint32_t *)scratch.buf;   /* unsigned: wraps as TFLM's int32 sums do */
    memset(acc, 0, (size_t)scratch_size);
    TINYC_TRANSPOSE_CONV_SCATTER(p, input, filter, acc, int8_t, int32_t, uint32_t,
                                 p->input_offset);

    const int32_t out_c = p->output.c;
    const int32_t total = p->output.n * p->output.h * p->output.w * out_c;
    for (int32_t i = 0; i < total; i++) {
        const int32_t oc = i % out_c;
        int32_t v = (int32_t)(acc[i] + (bias ? (uint32_t)bias[oc] : 0u));
        v = tinyc_requantize(v, p->quant.multiplier[oc], p->quant.shift[oc]) + p->output_offset;
        output[i] = (int8_t)tinyc_clamp_i32(v, p->act_min, p->act_max);
    }
    return TINYC_KERNEL_OK;
}
