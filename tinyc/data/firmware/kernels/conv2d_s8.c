#include "conv2d_s8.h"

int32_t tinyc_conv2d_s8_scratch_size(const tinyc_conv2d_params *p)
{
    (void)p;
    return 0;
}

int tinyc_conv2d_s8(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                    const int8_t *filter, const int32_t *bias_folded, int8_t *output)
{
    /* output channels from the filter; input channels in whole groups */
    TINYC_ASSERT(p->output.n == p->input.n && p->output.c == p->filter.n);
    TINYC_ASSERT(p->filter.c >= 1 && p->input.c % p->filter.c == 0);
    TINYC_ASSERT(p->stride_h >= 1 && p->stride_w >= 1 && p->dilation_h >= 1 && p->dilation_w >= 1);
    TINYC_ASSERT(p->pad_h >= 0 && p->pad_w >= 0 && p->output.h >= 1 && p->output.w >= 1);
    const int32_t in_h = p->input.h, in_w = p->input.w, in_c = p->input.c;
    const int32_t f_h = p->filter.h, f_w = p->filter.w, f_c = p->filter.c;
    const int32_t out_h = p->output.h, out_w = p->output.w, out_c = p->output.c;
    if (scratch.size < tinyc_conv2d_s8_scratch_size(p)) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (f_c <= 0 || in_c % f_c != 0 || out_c % (in_c / f_c) != 0) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t per_group = out_c / (in_c / f_c);
    const int32_t pad_value = -p->input_offset;   /* what a tap in the padding reads */
    const int32_t filter_size = f_h * f_w * f_c;

    for (int32_t b = 0; b < p->output.n; b++) {
        const int8_t *in_b = input + b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_h;
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_w;
                int8_t *out = output + ((b * out_h + oy) * out_w + ox) * out_c;
                for (int32_t oc = 0; oc < out_c; oc++) {
                    const int8_t *w = filter + oc * filter_size;
                    const int32_t c0 = (oc / per_group) * f_c;
                    uint32_t acc = (uint32_t)bias_folded[oc];   /* wraps as TFLM's int32 */
                    for (int32_t fy = 0; fy < f_h; fy++) {
                        const int32_t y = y0 + fy * p->dilation_h;
                        for (int32_t fx = 0; fx < f_w; fx++) {
                            const int32_t x = x0 + fx * p->dilation_w;
                            const int8_t *wt = w + (fy * f_w + fx) * f_c;
                            if (y < 0 || y >= in_h || x < 0 || x >= in_w) {
                                for (int32_t c = 0; c < f_c; c++) {
                                    acc += (uint32_t)(pad_value * (int32_t)wt[c]);
                                }
                                continue;
                            }
                            const int8_t *px = in_b + (y * in_w + x) * in_c + c0;
                            for (int32_t c = 0; c < f_c; c++) {
                                acc += (uint32_t)((int32_t)px[c] * (int32_t)wt[c]);
                            }
                        }
                    }
                    int32_t r = tinyc_requantize((int32_t)acc, p->quant.multiplier[oc],
                                                 p->quant.shift[oc]);
                    r = tinyc_add_wrap(r, p->output_offset);
                    out[oc] = (int8_t)tinyc_clamp_i32(r, p->act_min, p->act_max);
                }
            }
        }
    }
    return TINYC_KERNEL_OK;
}
