#include "conv2d_s16.h"

int32_t tinyc_conv2d_s16_scratch_size(const tinyc_conv2d_s16_params *p)
{
    (void)p;
    return 0;
}

int tinyc_conv2d_s16(const tinyc_conv2d_s16_params *p, tinyc_ctx scratch, const int16_t *input,
                     const int8_t *filter, const int64_t *bias, int16_t *output)
{
    const tinyc_conv2d_params *c = &p->conv;
    const int32_t in_h = c->input.h, in_w = c->input.w, in_c = c->input.c;
    const int32_t f_h = c->filter.h, f_w = c->filter.w, f_c = c->filter.c;
    const int32_t out_h = c->output.h, out_w = c->output.w, out_c = c->output.c;
    if (scratch.size < tinyc_conv2d_s16_scratch_size(p)) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (f_c <= 0 || in_c % f_c != 0 || out_c % (in_c / f_c) != 0) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t per_group = out_c / (in_c / f_c);
    const int32_t filter_size = f_h * f_w * f_c;

    for (int32_t b = 0; b < c->output.n; b++) {
        const int16_t *in_b = input + b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * c->stride_h - c->pad_h;
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * c->stride_w - c->pad_w;
                int16_t *out = output + ((b * out_h + oy) * out_w + ox) * out_c;
                for (int32_t oc = 0; oc < out_c; oc++) {
                    const int8_t *w = filter + oc * filter_size;
                    const int32_t c0 = (oc / per_group) * f_c;
                    int64_t acc = 0;
                    for (int32_t fy = 0; fy < f_h; fy++) {
                        const int32_t y = y0 + fy * c->dilation_h;
                        if (y < 0 || y >= in_h) {
                            continue;
                        }
                        for (int32_t fx = 0; fx < f_w; fx++) {
                            const int32_t x = x0 + fx * c->dilation_w;
                            if (x < 0 || x >= in_w) {
                                continue;
                            }
                            const int8_t *wt = w + (fy * f_w + fx) * f_c;
                            const int16_t *px = in_b + (y * in_w + x) * in_c + c0;
                            for (int32_t k = 0; k < f_c; k++) {
                                acc += (int32_t)px[k] * (int32_t)wt[k];
                            }
                        }
                    }
                    acc += bias[oc];
                    const int32_t m = c->quant.multiplier[oc], s = c->quant.shift[oc];
                    const int32_t v = p->int32_accumulator
                                          ? tinyc_requantize((int32_t)acc, m, s)
                                          : tinyc_requantize_i64(acc, m, s);
                    out[oc] = (int16_t)tinyc_clamp_i32(v, c->act_min, c->act_max);
                }
            }
        }
    }
    return TINYC_KERNEL_OK;
}
