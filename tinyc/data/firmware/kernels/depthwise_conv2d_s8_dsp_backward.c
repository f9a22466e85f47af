#include "depthwise_conv2d_s8_dsp_backward.h"

#include "tinyc_simd.h"

#if defined(__GNUC__) && !defined(__clang__)   /* as the forward kernel: fewer instructions */
#pragma GCC optimize("no-schedule-insns")
#endif

/* tinyc_depthwise_conv2d_s8_dsp_scratch_size (the forward file is not linked when only the
 * backward twin runs): a zero-point row of ceil4(channels) bytes. */
static int32_t pad_row_bytes(const tinyc_depthwise_conv2d_params *p)
{
    return (p->input.c + 3) / 4 * 4;
}

static inline __attribute__((always_inline)) int8_t requantize_channel(
    const tinyc_depthwise_conv2d_params *p, const tinyc_requant_r2 *rq, int full_range,
    int32_t acc, int32_t c)
{
    acc = (rq ? tinyc_requantize_r2(acc, &rq[c])
              : tinyc_requantize_fast(acc, p->quant.multiplier[c], p->quant.shift[c]))
          + p->output_offset;
    return (int8_t)(full_range ? tinyc_ssat8(acc) : tinyc_clamp_i32(acc, p->act_min, p->act_max));
}

/* One output pixel, its channels from the last: `taps` point at each tap's input pixel (or at
 * the zero-point row for padding); `w` holds per group of four channels n_taps pairs of int16
 * lanes in the order c0,c2,c1,c3. */
static inline __attribute__((always_inline)) void pixel_backward(
    const tinyc_depthwise_conv2d_params *p, const int8_t *const *taps, int32_t n_taps,
    const int32_t *w, const int32_t *bias, const tinyc_requant_r2 *rq, int full_range,
    int8_t *out)
{
    static const int8_t lane[4] = {0, 2, 1, 3};
    const int32_t in_c = p->input.c, c4 = in_c & ~3;
    const int16_t *w16 = (const int16_t *)(const void *)(w + (c4 / 4) * n_taps * 2);
    for (int32_t c = in_c - 1; c >= c4; c--) {
        int32_t acc = bias[c];
        for (int32_t t = 0; t < n_taps; t++) {
            acc += (int32_t)taps[t][c] * w16[t * 4 + lane[c & 3]];
        }
        out[c] = requantize_channel(p, rq, full_range, acc, c);
    }
    for (int32_t c = c4 - 4; c >= 0; c -= 4) {
        const int32_t *wg = w + (c / 4) * n_taps * 2;
        int32_t a0 = bias[c], a1 = bias[c + 1], a2 = bias[c + 2], a3 = bias[c + 3];
#pragma GCC unroll 9
        for (int32_t t = 0; t < n_taps; t++) {
            const int32_t v = tinyc_read_s32(taps[t] + c);
            const int32_t v02 = tinyc_sxtb16(v), v13 = tinyc_sxtb16_ror8(v);
            const int32_t w02 = wg[2 * t], w13 = wg[2 * t + 1];
            a0 = tinyc_smlabb(v02, w02, a0);
            a2 = tinyc_smlatt(v02, w02, a2);
            a1 = tinyc_smlabb(v13, w13, a1);
            a3 = tinyc_smlatt(v13, w13, a3);
        }
        out[c + 3] = requantize_channel(p, rq, full_range, a3, c + 3);
        out[c + 2] = requantize_channel(p, rq, full_range, a2, c + 2);
        out[c + 1] = requantize_channel(p, rq, full_range, a1, c + 1);
        out[c] = requantize_channel(p, rq, full_range, a0, c);
    }
}

static inline __attribute__((always_inline)) int depthwise_backward(
    const tinyc_depthwise_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
    const int16_t *filter_grouped, const int32_t *bias, const tinyc_requant_r2 *rq,
    int full_range, int8_t *output, int32_t n_taps)
{
    const int32_t in_c = p->input.c;
    if (scratch.size < pad_row_bytes(p) || scratch.buf == NULL) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (p->output.n != 1 || p->depth_multiplier != 1 || p->output.c != in_c
        || p->filter.h * p->filter.w != n_taps || n_taps > TINYC_DW_DSP_MAX_TAPS) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int8_t *pad = (int8_t *)scratch.buf;
    memset(pad, (int8_t)(-p->input_offset), (size_t)pad_row_bytes(p));
    int32_t offsets[TINYC_DW_DSP_MAX_TAPS];
    for (int32_t ky = 0, t = 0; ky < p->filter.h; ky++) {
        for (int32_t kx = 0; kx < p->filter.w; kx++, t++) {
            offsets[t] = (ky * p->dilation_h * p->input.w + kx * p->dilation_w) * in_c;
        }
    }
    const int8_t *taps[TINYC_DW_DSP_MAX_TAPS];
    const int32_t *w = (const int32_t *)(const void *)filter_grouped;
    const int32_t span_h = (p->filter.h - 1) * p->dilation_h;
    const int32_t span_w = (p->filter.w - 1) * p->dilation_w;
    for (int32_t oy = p->output.h - 1; oy >= 0; oy--) {
        const int32_t y0 = oy * p->stride_h - p->pad_h;
        const int rows_in = y0 >= 0 && y0 + span_h < p->input.h;
        for (int32_t ox = p->output.w - 1; ox >= 0; ox--) {
            const int32_t x0 = ox * p->stride_w - p->pad_w;
            if (rows_in && x0 >= 0 && x0 + span_w < p->input.w) {
                const int8_t *base = input + (y0 * p->input.w + x0) * in_c;
                for (int32_t t = 0; t < n_taps; t++) {
                    taps[t] = base + offsets[t];
                }
            } else {
                for (int32_t ky = 0, t = 0; ky < p->filter.h; ky++) {
                    const int32_t y = y0 + ky * p->dilation_h;
                    for (int32_t kx = 0; kx < p->filter.w; kx++, t++) {
                        const int32_t x = x0 + kx * p->dilation_w;
                        taps[t] = y >= 0 && y < p->input.h && x >= 0 && x < p->input.w
                                      ? input + (y * p->input.w + x) * in_c
                                      : pad;
                    }
                }
            }
            pixel_backward(p, taps, n_taps, w, bias, rq, full_range,
                           output + (oy * p->output.w + ox) * in_c);
        }
    }
    return TINYC_KERNEL_OK;
}

#define TINYC_DW_BACKWARD_ENTRY(name, TAPS, RQ, FULL)                                         \
    TINYC_DW_DSP_ENTRY(name)                                                                  \
    {                                                                                         \
        (void)rq;                                                                             \
        return depthwise_backward(p, scratch, input, filter_grouped, bias_folded, RQ, FULL,   \
                                  output, TAPS);                                              \
    }

TINYC_DW_BACKWARD_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_backward, 9, NULL, 0)
TINYC_DW_BACKWARD_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_backward_rq, 9, rq, 0)
TINYC_DW_BACKWARD_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_backward_rq_sat, 9, rq, 1)
TINYC_DW_BACKWARD_ENTRY(tinyc_depthwise_conv2d_s8_dsp_backward, p->filter.h * p->filter.w,
                        NULL, 0)
TINYC_DW_BACKWARD_ENTRY(tinyc_depthwise_conv2d_s8_dsp_backward_rq, p->filter.h * p->filter.w,
                        rq, 0)
TINYC_DW_BACKWARD_ENTRY(tinyc_depthwise_conv2d_s8_dsp_backward_rq_sat,
                        p->filter.h * p->filter.w, rq, 1)
