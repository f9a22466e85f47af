#include "depthwise_conv2d_s8_backward.h"

int tinyc_depthwise_conv2d_s8_backward(const tinyc_depthwise_conv2d_params *p,
                                       tinyc_ctx scratch, const int8_t *input,
                                       const int8_t *filter, const int32_t *bias_folded,
                                       int8_t *output)
{
    const int32_t in_h = p->input.h, in_w = p->input.w, in_c = p->input.c;
    const int32_t f_h = p->filter.h, f_w = p->filter.w;
    const int32_t out_h = p->output.h, out_w = p->output.w, out_c = p->output.c;
    const int32_t dm = p->depth_multiplier;
    (void)scratch;
    if (p->output.n != 1 || dm <= 0 || out_c != in_c * dm || p->filter.c != out_c) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t pad_value = -p->input_offset;

    for (int32_t oy = out_h - 1; oy >= 0; oy--) {
        const int32_t y0 = oy * p->stride_h - p->pad_h;
        for (int32_t ox = out_w - 1; ox >= 0; ox--) {
            const int32_t x0 = ox * p->stride_w - p->pad_w;
            int8_t *out = output + (oy * out_w + ox) * out_c;
            for (int32_t oc = out_c - 1; oc >= 0; oc--) {
                const int32_t ic = oc / dm;
                int32_t acc = bias_folded[oc];
                for (int32_t fy = 0; fy < f_h; fy++) {
                    const int32_t y = y0 + fy * p->dilation_h;
                    const int y_in = y >= 0 && y < in_h;
                    for (int32_t fx = 0; fx < f_w; fx++) {
                        const int32_t x = x0 + fx * p->dilation_w;
                        const int32_t w = filter[(fy * f_w + fx) * out_c + oc];
                        const int32_t v = (y_in && x >= 0 && x < in_w)
                                              ? (int32_t)input[(y * in_w + x) * in_c + ic]
                                              : pad_value;
                        acc += v * w;
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
