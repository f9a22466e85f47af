#include "depthwise_conv2d_s16.h"

int32_t tinyc_depthwise_conv2d_s16_scratch_size(const tinyc_depthwise_conv2d_params *p)
{
    (void)p;
    return 0;
}

int tinyc_depthwise_conv2d_s16(const tinyc_depthwise_conv2d_params *p, tinyc_ctx scratch,
                               const int16_t *input, const int8_t *filter,
                               const int64_t *bias, int16_t *output)
{
    const int32_t in_h = p->input.h, in_w = p->input.w, in_c = p->input.c;
    const int32_t f_h = p->filter.h, f_w = p->filter.w;
    const int32_t out_h = p->output.h, out_w = p->output.w, out_c = p->output.c;
    const int32_t dm = p->depth_multiplier;
    if (scratch.size < tinyc_depthwise_conv2d_s16_scratch_size(p)) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (dm < 1 || out_c != in_c * dm || p->filter.c != out_c) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    for (int32_t b = 0; b < p->output.n; b++) {
        const int16_t *in_b = input + b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_h;
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_w;
                int16_t *out = output + ((b * out_h + oy) * out_w + ox) * out_c;
                for (int32_t oc = 0; oc < out_c; oc++) {
                    const int32_t ic = oc / dm;
                    int64_t acc = 0;
                    for (int32_t fy = 0; fy < f_h; fy++) {
                        const int32_t y = y0 + fy * p->dilation_h;
                        if (y < 0 || y >= in_h) {
                            continue;
                        }
                        for (int32_t fx = 0; fx < f_w; fx++) {
                            const int32_t x = x0 + fx * p->dilation_w;
                            if (x < 0 || x >= in_w) {
                                continue;
                            }
                            acc += (int32_t)in_b[(y * in_w + x) * in_c + ic] *
                                   (int32_t)filter[(fy * f_w + fx) * out_c + oc];
                        }
                    }
                    acc += bias[oc];
                    const int32_t v = tinyc_requantize_i64(acc, p->quant.multiplier[oc],
                                                           p->quant.shift[oc]);
                    out[oc] = (int16_t)tinyc_clamp_i32(v, p->act_min, p->act_max);
                }
            }
        }
    }
    return TINYC_KERNEL_OK;
}
