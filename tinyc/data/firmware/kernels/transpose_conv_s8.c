#include "transpose_conv_s8.h"

int32_t tinyc_transpose_conv_s8_scratch_size(const tinyc_transpose_conv_params *p)
{
    return p->output.n * p->output.h * p->output.w * p->output.c * (int32_t)sizeof(int32_t);
}

int tinyc_transpose_conv_s8(const tinyc_transpose_conv_params *p, tinyc_ctx scratch,
                            const int8_t *input, const int8_t *filter, const int32_t *bias,
                            int8_t *output)
{
    const int32_t in_h = p->input.h, in_w = p->input.w, in_c = p->input.c;
    const int32_t f_h = p->filter.h, f_w = p->filter.w;
    const int32_t out_h = p->output.h, out_w = p->output.w, out_c = p->output.c;
    const int32_t total = p->output.n * out_h * out_w * out_c;
    if (scratch.size < tinyc_transpose_conv_s8_scratch_size(p)) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (p->filter.c != in_c || p->filter.n != out_c) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    uint32_t *acc = (uint32_t *)scratch.buf;   /* unsigned: wraps as TFLM's int32 sums do */
    memset(acc, 0, (size_t)total * sizeof(uint32_t));

    for (int32_t b = 0; b < p->input.n; b++) {
        uint32_t *acc_b = acc + b * out_h * out_w * out_c;
        for (int32_t iy = 0; iy < in_h; iy++) {
            for (int32_t ix = 0; ix < in_w; ix++) {
                const int8_t *px = input + ((b * in_h + iy) * in_w + ix) * in_c;
                const int32_t oy0 = iy * p->stride_h - p->pad_h;
                const int32_t ox0 = ix * p->stride_w - p->pad_w;
                for (int32_t fy = 0; fy < f_h; fy++) {
                    const int32_t oy = oy0 + fy;
                    if (oy < 0 || oy >= out_h) {
                        continue;
                    }
                    for (int32_t fx = 0; fx < f_w; fx++) {
                        const int32_t ox = ox0 + fx;
                        if (ox < 0 || ox >= out_w) {
                            continue;
                        }
                        uint32_t *a = acc_b + (oy * out_w + ox) * out_c;
                        for (int32_t oc = 0; oc < out_c; oc++) {
                            const int8_t *w = filter + ((oc * f_h + fy) * f_w + fx) * in_c;
                            int32_t sum = 0;
                            for (int32_t ic = 0; ic < in_c; ic++) {
                                sum += (px[ic] + p->input_offset) * w[ic];
                            }
                            a[oc] += (uint32_t)sum;
                        }
                    }
                }
            }
        }
    }
    for (int32_t i = 0; i < total; i++) {
        const int32_t oc = i % out_c;
        int32_t v = (int32_t)(acc[i] + (bias ? (uint32_t)bias[oc] : 0u));
        v = tinyc_requantize(v, p->quant.multiplier[oc], p->quant.shift[oc]) + p->output_offset;
        output[i] = (int8_t)tinyc_clamp_i32(v, p->act_min, p->act_max);
    }
    return TINYC_KERNEL_OK;
}
