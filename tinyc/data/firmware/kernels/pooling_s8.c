#include "pooling_s8.h"

/* The window of output (oy, ox) clipped to the input: [y_lo, y_hi) x [x_lo, x_hi). */
typedef struct {
    int32_t y_lo, y_hi, x_lo, x_hi;
} window;

static window clip_window(const tinyc_pool2d_params *p, int32_t oy, int32_t ox)
{
    const int32_t y0 = oy * p->stride_h - p->pad_h;
    const int32_t x0 = ox * p->stride_w - p->pad_w;
    window w;
    w.y_lo = tinyc_max_i32(y0, 0);
    w.y_hi = tinyc_min_i32(y0 + p->filter_h, p->input.h);
    w.x_lo = tinyc_max_i32(x0, 0);
    w.x_hi = tinyc_min_i32(x0 + p->filter_w, p->input.w);
    return w;
}

int tinyc_avg_pool2d_s8(const tinyc_pool2d_params *p, const int8_t *input, int8_t *output)
{
    TINYC_ASSERT(p->output.n == p->input.n && p->output.c == p->input.c);
    TINYC_ASSERT(p->filter_h >= 1 && p->filter_w >= 1 && p->stride_h >= 1 && p->stride_w >= 1);
    const int32_t in_h = p->input.h, in_w = p->input.w, ch = p->input.c;
    const int32_t out_h = p->output.h, out_w = p->output.w;
    for (int32_t b = 0; b < p->output.n; b++) {
        const int8_t *in_b = input + b * in_h * in_w * ch;
        for (int32_t oy = 0; oy < out_h; oy++) {
            for (int32_t ox = 0; ox < out_w; ox++) {
                const window w = clip_window(p, oy, ox);
                const int32_t count = (w.y_hi - w.y_lo) * (w.x_hi - w.x_lo);
                if (w.y_hi <= w.y_lo || w.x_hi <= w.x_lo) {
                    return TINYC_KERNEL_BAD_PARAMS;
                }
                int8_t *out = output + ((b * out_h + oy) * out_w + ox) * ch;
                for (int32_t c = 0; c < ch; c++) {
                    int32_t acc = 0;
                    for (int32_t y = w.y_lo; y < w.y_hi; y++) {
                        for (int32_t x = w.x_lo; x < w.x_hi; x++) {
                            acc += in_b[(y * in_w + x) * ch + c];
                        }
                    }
                    /* C division truncates toward zero: this rounds half away from zero. */
                    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    out[c] = (int8_t)tinyc_clamp_i32(acc, p->act_min, p->act_max);
                }
            }
        }
    }
    return TINYC_KERNEL_OK;
}

int tinyc_max_pool2d_s8(const tinyc_pool2d_params *p, const int8_t *input, int8_t *output)
{
    TINYC_ASSERT(p->output.n == p->input.n && p->output.c == p->input.c);
    TINYC_ASSERT(p->filter_h >= 1 && p->filter_w >= 1 && p->stride_h >= 1 && p->stride_w >= 1);
    const int32_t in_h = p->input.h, in_w = p->input.w, ch = p->input.c;
    const int32_t out_h = p->output.h, out_w = p->output.w;
    for (int32_t b = 0; b < p->output.n; b++) {
        const int8_t *in_b = input + b * in_h * in_w * ch;
        for (int32_t oy = 0; oy < out_h; oy++) {
            for (int32_t ox = 0; ox < out_w; ox++) {
                const window w = clip_window(p, oy, ox);
                int8_t *out = output + ((b * out_h + oy) * out_w + ox) * ch;
                for (int32_t c = 0; c < ch; c++) {
                    int32_t m = -128;
                    for (int32_t y = w.y_lo; y < w.y_hi; y++) {
                        for (int32_t x = w.x_lo; x < w.x_hi; x++) {
                            m = tinyc_max_i32(m, in_b[(y * in_w + x) * ch + c]);
                        }
                    }
                    out[c] = (int8_t)tinyc_clamp_i32(m, p->act_min, p->act_max);
                }
            }
        }
    }
    return TINYC_KERNEL_OK;
}
