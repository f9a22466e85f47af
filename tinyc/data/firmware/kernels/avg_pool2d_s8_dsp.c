#include "avg_pool2d_s8_dsp.h"

#include "tinyc_simd.h"

static inline int8_t average(int32_t sum, int32_t count, int32_t lo, int32_t hi)
{
    /* C division truncates toward zero: this rounds half away from zero (as TFLM) */
    const int32_t q = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    return (int8_t)tinyc_clamp_i32(q, lo, hi);
}

int tinyc_avg_pool2d_s8_dsp(const tinyc_pool2d_params *p, const int8_t *input, int8_t *output)
{
    const int32_t in_h = p->input.h, in_w = p->input.w, ch = p->input.c, c4 = ch & ~3;
    const int32_t out_h = p->output.h, out_w = p->output.w;
    if (p->filter_h * p->filter_w > TINYC_AVG_POOL_DSP_MAX_TAPS) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    for (int32_t b = 0; b < p->output.n; b++) {
        const int8_t *in_b = input + b * in_h * in_w * ch;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_h;
            const int32_t y_lo = tinyc_max_i32(y0, 0);
            const int32_t y_hi = tinyc_min_i32(y0 + p->filter_h, in_h);
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_w;
                const int32_t x_lo = tinyc_max_i32(x0, 0);
                const int32_t x_hi = tinyc_min_i32(x0 + p->filter_w, in_w);
                if (y_hi <= y_lo || x_hi <= x_lo) {
                    return TINYC_KERNEL_BAD_PARAMS;
                }
                const int32_t count = (y_hi - y_lo) * (x_hi - x_lo);
                int8_t *out = output + ((b * out_h + oy) * out_w + ox) * ch;
                int32_t c = 0;
                for (; c < c4; c += 4) {
                    int32_t s02 = 0, s13 = 0;
                    for (int32_t y = y_lo; y < y_hi; y++) {
                        const int8_t *row = in_b + (y * in_w + x_lo) * ch + c;
                        for (int32_t x = x_lo; x < x_hi; x++, row += ch) {
                            const int32_t v = tinyc_read_s32(row);
                            s02 = tinyc_sxtab16(s02, v);
                            s13 = tinyc_sxtab16_ror8(s13, v);
                        }
                    }
                    out[c] = average(tinyc_lo16(s02), count, p->act_min, p->act_max);
                    out[c + 1] = average(tinyc_lo16(s13), count, p->act_min, p->act_max);
                    out[c + 2] = average(tinyc_hi16(s02), count, p->act_min, p->act_max);
                    out[c + 3] = average(tinyc_hi16(s13), count, p->act_min, p->act_max);
                }
                for (; c < ch; c++) {
                    int32_t sum = 0;
                    for (int32_t y = y_lo; y < y_hi; y++) {
                        for (int32_t x = x_lo; x < x_hi; x++) {
                            sum += in_b[(y * in_w + x) * ch + c];
                        }
                    }
                    out[c] = average(sum, count, p->act_min, p->act_max);
                }
            }
        }
    }
    return TINYC_KERNEL_OK;
}
