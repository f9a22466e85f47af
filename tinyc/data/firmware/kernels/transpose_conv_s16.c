#include "transpose_conv_s16.h"
#include "transpose_conv_scatter.h"

int32_t tinyc_transpose_conv_s16_scratch_size(const tinyc_transpose_conv_params *p)
{
    return p->output.n * p->output.h * p->output.w * p->output.c * (int32_t)sizeof(int64_t);
}

int tinyc_transpose_conv_s16(const tinyc_transpose_conv_params *p, tinyc_ctx scratch,
                             const int16_t *input, const int8_t *filter, const int64_t *bias,
                             int16_t *output)
{
    const int32_t scratch_size = tinyc_transpose_conv_s16_scratch_size(p);
    if (scratch.size < scratch_size) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (p->filter.c != p->input.c || p->filter.n != p->output.c) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int64_t *acc = (int64_t *)scratch.buf;
    memset(acc, 0, (size_t)scratch_size);
    TINYC_TRANSPOSE_CONV_SCATTER(p, input, filter, acc, int16_t, int64_t, int64_t, 0);

    const int32_t out_c = p->output.c;
    const int32_t total = p->output.n * p->output.h * p->output.w * out_c;
    for (int32_t i = 0; i < total; i++) {
        const int32_t oc = i % out_c;
        const int64_t v = acc[i] + (bias ? bias[oc] : 0);
        const int32_t r = tinyc_requantize_i64(v, p->quant.multiplier[oc], p->quant.shift[oc]);
        output[i] = (int16_t)tinyc_clamp_i32(r, p->act_min, p->act_max);
    }
    return TINYC_KERNEL_OK;
}
