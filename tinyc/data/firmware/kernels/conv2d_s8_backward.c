#include "conv2d_s8_backward.h"

int tinyc_conv2d_s8_backward(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                             const int8_t *input, const int8_t *filter,
                             const int32_t *bias_folded, int8_t *output)
{
    const int32_t in_h = p->input.h, in_w = p->input.w, in_c = p->input.c;
    const int32_t f_h = p->filter.h, f_w = p->filter.w, f_c = p->filter.c;
    const int32_t out_h = p->output.h, out_w = p->output.w, out_c = p->output.c;
    (void)scratch;
    if (p->output.n != 1 || f_c <= 0 || in_c % f_c != 0 || out_c % (in_c / f_c) != 0) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t per_group = out_c / (in_c / f_c);
    const int32_t pad_value = -p->input_offset;
    const int32_t filter_size = f_h * f_w * f_c;

    for (int32_t oy = out_h - 1; oy >= 0; oy--) {
        const int32_t y0 = oy * p->stride_h - p->pad_h;
        for (int32_t ox = out_w - 1; ox >= 0; ox--) {
            const int32_t x0 = ox * p->stride_w - p->pad_w;
            int8_t *out = output + (oy * out_w + ox) * out_c;
            for (int32_t oc = out_c - 1; oc >= 0; oc--) {
                const int8_t *w = filter + oc * filter_size;
                const int32_t c0 = (oc / per_group) * f_c;
                int32_t acc = bias_folded[oc];
                for (int32_t fy = 0; fy < f_h; fy++) {
                    const int32_t y = y0 + fy * p->dilation_h;
                    for (int32_t fx = 0; fx < f_w; fx++) {
                        const int32_t x = x0 + fx * p->dilation_w;
                        const int8_t *wt = w + (fy * f_w + fx) * f_c;
                        if (y < 0 || y >= in_h || x < 0 || x >= in_w) {
                            for (int32_t c = 0; c < f_c; c++) {
                                acc += pad_value * (int32_t)wt[c];
                            }
                            continue;
                        }
                        const int8_t *px = input + (y * in_w + x) * in_c + c0;
                        for (int32_t c = 0; c < f_c; c++) {
                            acc += (int32_t)px[c] * (int32_t)wt[c];
                        }
                    }
                }
                acc = tinyc_requantize(acc, p->quant.multiplier[oc], p->quant.shift[oc]);
                acc += p->output_offset;
                out[oc] = (int8_t)tinyc_clamp_i32(acc, p->act_min, p->act_max);
            }
        }
    }
    return TINYC_KERNEL_OK;
}
