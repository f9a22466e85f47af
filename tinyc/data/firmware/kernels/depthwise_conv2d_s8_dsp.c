#include "depthwise_conv2d_s8_dsp.h"

#include "tinyc_simd.h"

/* GCC's first scheduling pass spreads the nine tap loads and spills them (measured: more
 * instructions and stack traffic per channel group); the post-RA pass still runs. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-schedule-insns")
#endif

int32_t tinyc_depthwise_conv2d_s8_dsp_scratch_size(const tinyc_depthwise_conv2d_params *p)
{
    return (p->input.c + 3) / 4 * 4;
}

/* Where each tap of a border pixel (window corner y0, x0) reads its channels: the input
 * pixel, or the zero-point row for a tap in the padding. */
static inline __attribute__((always_inline)) void border_taps(
    const tinyc_depthwise_conv2d_params *p, const int8_t *in_b, const int8_t *pad, int32_t y0,
    int32_t x0, const int8_t **taps)
{
    const int32_t in_c = p->input.c;
    int32_t t = 0;
    for (int32_t ky = 0; ky < p->filter.h; ky++) {
        const int32_t y = y0 + ky * p->dilation_h;
        const int row_in = y >= 0 && y < p->input.h;
        for (int32_t kx = 0; kx < p->filter.w; kx++, t++) {
            const int32_t x = x0 + kx * p->dilation_w;
            taps[t] = row_in && x >= 0 && x < p->input.w ? in_b + (y * p->input.w + x) * in_c
                                                         : pad;
        }
    }
}

/* Tap t of a pixel: interior pixels (constant) read base + offsets[t], with no per-pixel
 * pointer table; border pixels read taps[t]. */
#define TAP(t) (interior ? base + offsets[t] : taps[t])

/* rq (compile time, every right shift >= 2) or the params' per-channel multiplier and shift;
 * full_range (constant): the activation range is all of int8, so SSAT replaces the clamp. */
static inline __attribute__((always_inline)) int8_t requantize_channel(
    const tinyc_depthwise_conv2d_params *p, const tinyc_requant_r2 *rq, int full_range,
    int32_t acc, int32_t c)
{
    acc = (rq ? tinyc_requantize_r2(acc, &rq[c])
              : tinyc_requantize_fast(acc, p->quant.multiplier[c], p->quant.shift[c]))
          + p->output_offset;
    return (int8_t)(full_range ? tinyc_ssat8(acc) : tinyc_clamp_i32(acc, p->act_min, p->act_max));
}

/* One output pixel, depth multiplier 1: channel groups of four with SMLABB/SMLATT, then the
 * last c % 4 channels. */
static inline __attribute__((always_inline)) void pixel(
    const tinyc_depthwise_conv2d_params *p, int interior, const int8_t *const *taps,
    const int8_t *base, const int32_t *offsets, int32_t n_taps, const int32_t *w,
    const int32_t *bias, const tinyc_requant_r2 *rq, int full_range, int8_t *out)
{
    const int32_t in_c = p->input.c, c4 = in_c & ~3;
    int32_t c = 0;
    for (; c < c4; c += 4) {
        int32_t a0 = bias[c], a1 = bias[c + 1], a2 = bias[c + 2], a3 = bias[c + 3];
#pragma GCC unroll 9
        for (int32_t t = 0; t < n_taps; t++) {
            const int32_t v = tinyc_read_s32(TAP(t) + c);
            const int32_t v02 = tinyc_sxtb16(v), v13 = tinyc_sxtb16_ror8(v);
            const int32_t w02 = w[0], w13 = w[1];
            w += 2;
            a0 = tinyc_smlabb(v02, w02, a0);
            a2 = tinyc_smlatt(v02, w02, a2);
            a1 = tinyc_smlabb(v13, w13, a1);
            a3 = tinyc_smlatt(v13, w13, a3);
        }
        out[c] = requantize_channel(p, rq, full_range, a0, c);
        out[c + 1] = requantize_channel(p, rq, full_range, a1, c + 1);
        out[c + 2] = requantize_channel(p, rq, full_range, a2, c + 2);
        out[c + 3] = requantize_channel(p, rq, full_range, a3, c + 3);
    }
    const int16_t *w16 = (const int16_t *)(const void *)w;   /* the last, zero-padded group */
    static const int8_t lane[4] = {0, 2, 1, 3};              /* c0,c2,c1,c3 order */
    for (; c < in_c; c++) {
        int32_t acc = bias[c];
        for (int32_t t = 0; t < n_taps; t++) {
            acc += (int32_t)TAP(t)[c] * w16[t * 4 + lane[c & 3]];
        }
        out[c] = requantize_channel(p, rq, full_range, acc, c);
    }
}

/* One output pixel, depth multiplier a multiple of 4: each group of four output channels reads
 * one input channel, whose sign-extended byte multiplies both halves of the weight words. */
static inline __attribute__((always_inline)) void pixel_multiplied(
    const tinyc_depthwise_conv2d_params *p, int interior, const int8_t *const *taps,
    const int8_t *base, const int32_t *offsets, int32_t n_taps, const int32_t *w,
    const int32_t *bias, const tinyc_requant_r2 *rq, int full_range, int8_t *out)
{
    const int32_t out_c = p->output.c, dm = p->depth_multiplier;
    for (int32_t c = 0; c < out_c; c += 4) {
        const int32_t ic = c / dm;
        int32_t a0 = bias[c], a1 = bias[c + 1], a2 = bias[c + 2], a3 = bias[c + 3];
        for (int32_t t = 0; t < n_taps; t++) {
            const int32_t v = TAP(t)[ic];
            const int32_t w02 = w[0], w13 = w[1];
            w += 2;
            a0 = tinyc_smlabb(v, w02, a0);
            a2 = tinyc_smlabt(v, w02, a2);
            a1 = tinyc_smlabb(v, w13, a1);
            a3 = tinyc_smlabt(v, w13, a3);
        }
        out[c] = requantize_channel(p, rq, full_range, a0, c);
        out[c + 1] = requantize_channel(p, rq, full_range, a1, c + 1);
        out[c + 2] = requantize_channel(p, rq, full_range, a2, c + 2);
        out[c + 3] = requantize_channel(p, rq, full_range, a3, c + 3);
    }
}

static inline __attribute__((always_inline)) int depthwise(const tinyc_depthwise_conv2d_params *p, tinyc_ctx scratch,
                            const int8_t *input, const int16_t *filter_grouped,
                            const int32_t *bias, const tinyc_requant_r2 *rq, int full_range,
                            int8_t *output, int32_t n_taps, int multiplied)
{
    const int32_t dm = multiplied ? p->depth_multiplier : 1;
    const int32_t in_c = p->input.c;
    if (scratch.size < tinyc_depthwise_conv2d_s8_dsp_scratch_size(p) || scratch.buf == NULL) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (p->depth_multiplier != dm || p->output.c != in_c * dm || (multiplied && dm % 4 != 0)
        || p->filter.h * p->filter.w != n_taps || n_taps > TINYC_DW_DSP_MAX_TAPS) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int8_t *pad = (int8_t *)scratch.buf;
    memset(pad, (int8_t)(-p->input_offset), (size_t)tinyc_depthwise_conv2d_s8_dsp_scratch_size(p));
    int32_t offsets[TINYC_DW_DSP_MAX_TAPS];
    for (int32_t ky = 0, t = 0; ky < p->filter.h; ky++) {
        for (int32_t kx = 0; kx < p->filter.w; kx++, t++) {
            offsets[t] = (ky * p->dilation_h * p->input.w + kx * p->dilation_w) * in_c;
        }
    }
    const int8_t *taps[TINYC_DW_DSP_MAX_TAPS];
    const int32_t *w = (const int32_t *)(const void *)filter_grouped;
    for (int32_t b = 0; b < p->output.n; b++) {
        const int8_t *in_b = input + b * p->input.h * p->input.w * in_c;
        for (int32_t oy = 0; oy < p->output.h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_h;
            const int rows_in = y0 >= 0 && y0 + (p->filter.h - 1) * p->dilation_h < p->input.h;
            for (int32_t ox = 0; ox < p->output.w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_w;
                if (rows_in && x0 >= 0 && x0 + (p->filter.w - 1) * p->dilation_w < p->input.w) {
                    const int8_t *base = in_b + (y0 * p->input.w + x0) * in_c;
                    if (!multiplied) {
                        pixel(p, 1, NULL, base, offsets, n_taps, w, bias, rq, full_range, output);
                    } else {
                        pixel_multiplied(p, 1, NULL, base, offsets, n_taps, w, bias, rq,
                                         full_range, output);
                    }
                } else {
                    border_taps(p, in_b, pad, y0, x0, taps);
                    if (!multiplied) {
                        pixel(p, 0, taps, NULL, NULL, n_taps, w, bias, rq, full_range, output);
                    } else {
                        pixel_multiplied(p, 0, taps, NULL, NULL, n_taps, w, bias, rq,
                                         full_range, output);
                    }
                }
                output += in_c * dm;
            }
        }
    }
    return TINYC_KERNEL_OK;
}

/* The flavours the compiler picks from at compile time (only the ones a model calls are
 * linked): generic (p->quant, clamp; rq unused), the tinyc_requant_r2 table (_rq), and with
 * SSAT when the activation range is all of int8 (_rq_sat). */
#define TINYC_DW_ENTRY(name, TAPS, MULTIPLIED, RQ, FULL)                                              \
    int name(const tinyc_depthwise_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,  \
             const int16_t *filter_grouped, const int32_t *bias_folded,                       \
             const tinyc_requant_r2 *rq, int8_t *output)                                      \
    {                                                                                         \
        (void)rq;                                                                             \
        return depthwise(p, scratch, input, filter_grouped, bias_folded, RQ, FULL, output,    \
                         TAPS, MULTIPLIED);                                                           \
    }

TINYC_DW_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3, 9, 0, NULL, 0)
TINYC_DW_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_rq, 9, 0, rq, 0)
TINYC_DW_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_rq_sat, 9, 0, rq, 1)
TINYC_DW_ENTRY(tinyc_depthwise_conv2d_s8_dsp, p->filter.h * p->filter.w, 0, NULL, 0)
TINYC_DW_ENTRY(tinyc_depthwise_conv2d_s8_dsp_rq, p->filter.h * p->filter.w, 0, rq, 0)
TINYC_DW_ENTRY(tinyc_depthwise_conv2d_s8_dsp_rq_sat, p->filter.h * p->filter.w, 0, rq, 1)
TINYC_DW_ENTRY(tinyc_depthwise_conv2d_s8_dsp_mult, p->filter.h * p->filter.w, 1, NULL, 0)
TINYC_DW_ENTRY(tinyc_depthwise_conv2d_s8_dsp_mult_rq, p->filter.h * p->filter.w, 1, rq, 0)
TINYC_DW_ENTRY(tinyc_depthwise_conv2d_s8_dsp_mult_rq_sat, p->filter.h * p->filter.w, 1, rq, 1)
