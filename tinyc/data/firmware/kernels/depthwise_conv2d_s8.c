#include "depthwise_conv2d_s8.h"

int32_t tinyc_depthwise_conv2d_s8_scratch_size(const tinyc_depthwise_conv2d_params *p)
{
    (void)p;
    return 0;
}

int tinyc_depthwise_conv2d_s8(const tinyc_depthwise_conv2d_params *p, tinyc_ctx scratch,
                              const int8_t *input, const int8_t *filter,
                              const int32_t *bias_folded, int8_t *output)
{
    TINYC_ASSERT(p->output.n == p->input.n && p->output.c == p->filter.c);
    TINYC_ASSERT(p->output.c == p->input.c * p->depth_multiplier);
    TINYC_ASSERT(p->stride_h >= 1 && p->stride_w >= 1 && p->dilation_h >= 1 && p->dilation_w >= 1);
    TINYC_ASSERT(p->pad_h >= 0 && p->pad_w >= 0 && p->output.h >= 1 && p->output.w >= 1);
    const int32_t in_h = p->input.h, in_w = p->input.w, in_c = p->input.c;
    const int32_t f_h = p->filter.h, f_w = p->filter.w;
    const int32_t out_h = p->output.h, out_w = p->output.w, out_c = p->output.c;
    const int32_t dm = p->depth_multiplier;
    if (scratch.size < tinyc_depthwise_conv2d_s8_scratch_size(p)) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (dm <= 0 || out_c != in_c * dm || p->filter.c != out_c) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t pad_value = -p->input_offset;

    for (int32_t b = 0; b < p->output.n; b++) {
        const int8_t *in_b = input + b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_h;
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_w;
                int8_t *out = output + ((b * out_h + oy) * out_w + ox) * out_c;
                for (int32_t oc = 0; oc < out_c; oc++) {
                    const int32_t ic = oc / dm;
                    uint32_t acc = (uint32_t)bias_folded[oc];   /* wraps as TFLM's int32 */
                    for (int32_t fy = 0; fy < f_h; fy++) {
                        const int32_t y = y0 + fy * p->dilation_h;
                        const int y_in = y >= 0 && y < in_h;
                        for (int32_t fx = 0; fx < f_w; fx++) {
                            const int32_t x = x0 + fx * p->dilation_w;
                            const int32_t w = filter[(fy * f_w + fx) * out_c + oc];
                            const int32_t v = (y_in && x >= 0 && x < in_w)
                                                  ? (int32_t)in_b[(y * in_w + x) * in_c + ic]
                                                  : pad_value;
                            acc += (uint32_t)(v * w);
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
