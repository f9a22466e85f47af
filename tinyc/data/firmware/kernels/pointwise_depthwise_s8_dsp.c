#include "pointwise_depthwise_s8_dsp.h"

#include "depthwise_conv2d_s8_dsp.h"

static int32_t window_bytes(const tinyc_depthwise_conv2d_params *dw)
{
    return dw->filter.h * dw->input.w * dw->input.c;
}

int32_t tinyc_pointwise_depthwise_s8_dsp_scratch_size(const tinyc_depthwise_conv2d_params *dw)
{
    return window_bytes(dw) + tinyc_depthwise_conv2d_s8_dsp_scratch_size(dw);
}

int tinyc_pointwise_depthwise_s8_dsp(const tinyc_conv2d_params *pw, tinyc_pointwise_dsp_fn pw_fn,
                                     const int8_t *pw_filter, const int32_t *pw_channels,
                                     const tinyc_depthwise_conv2d_params *dw,
                                     tinyc_depthwise_dsp_fn dw_fn, const int16_t *dw_filter,
                                     const int32_t *dw_bias, const tinyc_requant_r2 *dw_rq,
                                     tinyc_ctx scratch, const int8_t *input, int8_t *output)
{
    const int32_t in_h = dw->input.h, in_w = dw->input.w, in_c = dw->input.c;
    const int32_t f_h = dw->filter.h, out_row = dw->output.w * dw->output.c;
    const int32_t row_bytes = in_w * in_c, in_row = pw->input.w * pw->input.c;
    if (scratch.buf == NULL || scratch.size < tinyc_pointwise_depthwise_s8_dsp_scratch_size(dw)) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (pw->output.n != 1 || dw->output.n != 1 || pw->filter.h != 1 || pw->filter.w != 1
        || pw->filter.c != pw->input.c || pw->stride_h != 1 || pw->stride_w != 1
        || pw->pad_h != 0 || pw->pad_w != 0 || pw->input.h != in_h || pw->input.w != in_w
        || pw->output.h != in_h || pw->output.w != in_w || pw->output.c != in_c
        || dw->dilation_h != 1 || dw->dilation_w != 1
        || dw->output.c != in_c * dw->depth_multiplier) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int8_t *window = (int8_t *)scratch.buf;
    const tinyc_ctx dw_scratch = {window + window_bytes(dw), scratch.size - window_bytes(dw)};
    const tinyc_ctx no_scratch = {0, 0};
    tinyc_conv2d_params rows = *pw;          /* the new rows of one step, as a whole image */
    tinyc_depthwise_conv2d_params one = *dw; /* the window as the input of one output row */
    one.output.h = 1;
    one.stride_h = 1;
    int32_t lo = 0, hi = 0;                  /* the window holds 1x1 rows [lo, hi) */
    for (int32_t oy = 0; oy < dw->output.h; oy++) {
        const int32_t y0 = oy * dw->stride_h - dw->pad_h;
        const int32_t first = y0 > 0 ? y0 : 0;
        const int32_t end = y0 + f_h < in_h ? y0 + f_h : in_h;
        if (end <= first) {
            return TINYC_KERNEL_BAD_PARAMS;  /* a window all padding: not TFLite's geometry */
        }
        if (first > lo) {                    /* rows above `first` are read no more */
            if (hi > first) {
                memmove(window, window + (first - lo) * row_bytes,
                        (size_t)((hi - first) * row_bytes));
            }
            hi = hi > first ? hi : first;    /* a stride past the filter skips rows */
            lo = first;
        }
        if (end > hi) {
            rows.input.h = rows.output.h = end - hi;
            const int rc = pw_fn(&rows, no_scratch, input + hi * in_row, pw_filter, pw_channels,
                                 window + (hi - lo) * row_bytes);
            if (rc != TINYC_KERNEL_OK) {
                return rc;
            }
            hi = end;
        }
        one.input.h = end - first;
        one.pad_h = first - y0;
        const int rc = dw_fn(&one, dw_scratch, window, dw_filter, dw_bias, dw_rq,
                             output + oy * out_row);
        if (rc != TINYC_KERNEL_OK) {
            return rc;
        }
    }
    return TINYC_KERNEL_OK;
}
