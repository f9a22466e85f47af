#include "pointwise_depthwise_s8.h"

int32_t tinyc_pointwise_depthwise_s8_scratch_size(const tinyc_depthwise_conv2d_params *dw)
{
    return dw->filter.h * dw->input.w * dw->input.c;
}

/* Row `y` of the 1x1 conv's output into `row` (the portable kernel's arithmetic). */
static void pointwise_row(const tinyc_conv2d_params *pw, const int8_t *filter,
                          const int32_t *bias, const int8_t *input, int32_t y, int8_t *row)
{
    const int32_t w = pw->input.w, in_c = pw->input.c, out_c = pw->output.c;
    for (int32_t x = 0; x < w; x++) {
        const int8_t *px = input + (y * w + x) * in_c;
        int8_t *out = row + x * out_c;
        for (int32_t oc = 0; oc < out_c; oc++) {
            const int8_t *wt = filter + oc * in_c;
            int32_t acc = bias[oc];
            for (int32_t c = 0; c < in_c; c++) {
                acc += (int32_t)px[c] * (int32_t)wt[c];
            }
            acc = tinyc_requantize(acc, pw->quant.multiplier[oc], pw->quant.shift[oc]);
            acc += pw->output_offset;
            out[oc] = (int8_t)tinyc_clamp_i32(acc, pw->act_min, pw->act_max);
        }
    }
}

int tinyc_pointwise_depthwise_s8(const tinyc_conv2d_params *pw, const int8_t *pw_filter,
                                 const int32_t *pw_bias,
                                 const tinyc_depthwise_conv2d_params *dw,
                                 const int8_t *dw_filter, const int32_t *dw_bias,
                                 tinyc_ctx scratch, const int8_t *input, int8_t *output)
{
    const int32_t in_h = dw->input.h, in_w = dw->input.w, in_c = dw->input.c;
    const int32_t f_h = dw->filter.h, f_w = dw->filter.w;
    const int32_t out_h = dw->output.h, out_w = dw->output.w, out_c = dw->output.c;
    const int32_t dm = dw->depth_multiplier;
    const int32_t row_bytes = in_w * in_c;
    int8_t *ring = (int8_t *)scratch.buf;
    if (scratch.size < tinyc_pointwise_depthwise_s8_scratch_size(dw)) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (pw->output.n != 1 || dw->output.n != 1 || pw->filter.h != 1 || pw->filter.w != 1
        || pw->filter.c != pw->input.c || pw->stride_h != 1 || pw->stride_w != 1
        || pw->pad_h != 0 || pw->pad_w != 0 || pw->output.h != in_h || pw->output.w != in_w
        || pw->output.c != in_c || dw->dilation_h != 1 || dw->dilation_w != 1 || dm <= 0
        || out_c != in_c * dm) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t pad_value = -dw->input_offset;
    int32_t next = 0;   /* the next 1x1 output row to compute */

    for (int32_t oy = 0; oy < out_h; oy++) {
        const int32_t y0 = oy * dw->stride_h - dw->pad_h;
        const int32_t last = y0 + f_h - 1 < in_h - 1 ? y0 + f_h - 1 : in_h - 1;
        for (; next <= last; next++) {   /* rows below y0 are no longer needed */
            pointwise_row(pw, pw_filter, pw_bias, input, next, ring + (next % f_h) * row_bytes);
        }
        for (int32_t ox = 0; ox < out_w; ox++) {
            const int32_t x0 = ox * dw->stride_w - dw->pad_w;
            int8_t *out = output + (oy * out_w + ox) * out_c;
            for (int32_t oc = 0; oc < out_c; oc++) {
                const int32_t ic = oc / dm;
                int32_t acc = dw_bias[oc];
                for (int32_t fy = 0; fy < f_h; fy++) {
                    const int32_t y = y0 + fy;
                    const int y_in = y >= 0 && y < in_h;
                    const int8_t *row = ring + (y_in ? (y % f_h) * row_bytes : 0);
                    for (int32_t fx = 0; fx < f_w; fx++) {
                        const int32_t x = x0 + fx;
                        const int32_t w = dw_filter[(fy * f_w + fx) * out_c + oc];
                        const int32_t v = (y_in && x >= 0 && x < in_w)
                                              ? (int32_t)row[x * in_c + ic] : pad_value;
                        acc += v * w;
                    }
                }
                acc = tinyc_requantize(acc, dw->quant.multiplier[oc], dw->quant.shift[oc]);
                acc += dw->output_offset;
                out[oc] = (int8_t)tinyc_clamp_i32(acc, dw->act_min, dw->act_max);
            }
        }
    }
    return TINYC_KERNEL_OK;
}
