/* What the DSP CONV_2D kernels share. The GEMM core: two output pixels by two output channels,
 * four input channels per group of 8 SMLAD, bytes widened with SXTB16 (bytes 0,2) and SXTB16
 * ROR 8 (bytes 1,3) so one SMLAD multiplies matching channel pairs. Static inline helpers only.
 *
 * The filter is read in the order tinyc/backends/native/ops/conv2d_dsp.py (relaid_gemm) lays
 * it out: per pair of output channels (o, o+1), for every 4 inputs the 4 bytes of o then the
 * 4 bytes of o+1, then the c_in % 4 tail as (o, o+1) byte pairs; a last odd channel as is. */
#ifndef TINYC_CONV2D_GEMM_S8_DSP_H
#define TINYC_CONV2D_GEMM_S8_DSP_H

#include "conv2d_s8.h"
#include "tinyc_simd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The input pixel a 1x1 convolution's output pixel (b, oy, ox) reads, walked in output order. */
typedef struct {
    const int8_t *input;
    const int8_t *row;       /* input pixel of (b, oy, 0) */
    int32_t b, oy, ox;
} pixel_walk;

static inline const int8_t *walk_next(pixel_walk *w, const tinyc_conv2d_params *p)
{
    const int8_t *px = w->row + w->ox * p->stride_w * p->input.c;
    if (++w->ox == p->output.w) {
        w->ox = 0;
        if (++w->oy == p->output.h) {
            w->oy = 0;
            w->b++;
        }
        w->row = w->input + ((w->b * p->input.h + w->oy * p->stride_h) * p->input.w) * p->input.c;
    }
    return px;
}

/* Per output channel, in one table read through one pointer: the folded bias, the multiplier
 * and the shift split into left and right (tinyc/backends/native/ops/conv2d_dsp.py:
 * channel_table). */
enum { CH_BIAS, CH_MULT, CH_LEFT, CH_RIGHT, CH_WORDS };

/* How a kernel requantizes, fixed per layer at compile time (ops/conv2d_dsp.py: fast_channels).
 * RQ_EXACT: TFLM's two roundings step by step, any shift and activation range.
 * RQ_FAST: for layers the compiler proved fit: every accumulator |acc| < 2^30, every shift
 * negative (right >= 1), the activation range all of int8. Then SMMULR(2 acc, mult) is the
 * first rounding, floor((y + 2^(r-1) - (y < 0)) / 2^r) the second, and the output offset rides
 * in the same add as offset * 2^r: the table's CH_LEFT word holds 2^(r-1) + offset * 2^r. */
enum { RQ_EXACT, RQ_FAST };
enum { CH_ROUND = CH_LEFT };

/* The per-layer requantization constants, read once into locals: int8 stores may alias *p, so
 * reading p->... per output would reload every field after each store. */
typedef struct {
    int32_t out_offset, act_min, act_max;
} requant_consts;

static inline int8_t requant_out(int32_t acc, const requant_consts *q, const int32_t *ch,
                                 int rq)
{
    if (rq == RQ_FAST) {
        const int32_t y = tinyc_smmulr(acc + acc, ch[CH_MULT]);
        return (int8_t)tinyc_ssat8((y + ch[CH_ROUND] + (y >> 31)) >> ch[CH_RIGHT]);
    }
    acc = tinyc_requantize_fast_lr(acc, ch[CH_MULT], ch[CH_LEFT], ch[CH_RIGHT]) + q->out_offset;
    /* two conditional moves (IT blocks), where a nested ?: compiles to branches */
    acc = acc < q->act_min ? q->act_min : acc;
    acc = acc > q->act_max ? q->act_max : acc;
    return (int8_t)acc;
}

/* Four inputs as two halfword pairs: lo = (x0, x2), hi = (x1, x3), the pairing SXTB16 and
 * SXTB16 ROR 8 give the weights. From int8 (s16 == 0): one load, two SXTB16. From an int16
 * column already widened that way (s16 == 1, widen_column): two loads. s16 is a constant at
 * every call, so each kernel compiles only its own path. */
static inline void load4(const int8_t **x, int s16, int32_t *lo, int32_t *hi)
{
    if (s16) {
        *lo = tinyc_read_s32(*x);
        *hi = tinyc_read_s32(*x + 4);
        *x += 8;
    } else {
        const int32_t v = tinyc_read_s32(*x);
        *lo = tinyc_sxtb16(v);
        *hi = tinyc_sxtb16_ror8(v);
        *x += 4;
    }
}

/* n int8 taps (a multiple of 4) at src widened into dst as load4 reads them with s16 == 1.
 * dst may start where src does minus n bytes: each 8-byte store lands on bytes already read. */
static inline void widen_column(int8_t *dst, const int8_t *src, int32_t n)
{
    for (; n > 0; n -= 4, src += 4, dst += 8) {
        const int32_t v = tinyc_read_s32(src);
        tinyc_write_s32(dst, tinyc_sxtb16(v));
        tinyc_write_s32(dst + 4, tinyc_sxtb16_ror8(v));
    }
}

/* four inputs of two pixels into two channels' accumulators: 8 SMLAD for 16 MACs */
static inline void mac4_2x2(const int8_t **x0, const int8_t **x1, int s16, const int8_t *w,
                            int32_t *a00, int32_t *a01, int32_t *a10, int32_t *a11)
{
    int32_t x0l, x0h, x1l, x1h;
    load4(x0, s16, &x0l, &x0h);
    load4(x1, s16, &x1l, &x1h);
    int32_t wv = tinyc_read_s32(w);
    int32_t wl = tinyc_sxtb16(wv), wh = tinyc_sxtb16_ror8(wv);
    *a00 = tinyc_smlad(x0h, wh, tinyc_smlad(x0l, wl, *a00));
    *a10 = tinyc_smlad(x1h, wh, tinyc_smlad(x1l, wl, *a10));
    wv = tinyc_read_s32(w + 4);
    wl = tinyc_sxtb16(wv);
    wh = tinyc_sxtb16_ror8(wv);
    *a01 = tinyc_smlad(x0h, wh, tinyc_smlad(x0l, wl, *a01));
    *a11 = tinyc_smlad(x1h, wh, tinyc_smlad(x1l, wl, *a11));
}

/* two pixels x two channels; w: the pair's interleaved block. Sixteen inputs per iteration, as
 * four groups whose loads GCC issues back to back (the empty asm keeps each group's registers
 * apart, so the three pointers and four accumulators stay in registers); then 8 and 4
 * remainders. The one-at-a-time tail is for int8 inputs only (columns are padded). */
static inline __attribute__((always_inline)) void
dot_2x2(const int8_t *x0, const int8_t *x1, int s16, const int8_t *w, int32_t c_in,
        int32_t acc[4])
{
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    for (int32_t k = c_in >> 4; k > 0; k--) {
        mac4_2x2(&x0, &x1, s16, w, &a00, &a01, &a10, &a11);
        __asm__ volatile("" ::: "memory");
        mac4_2x2(&x0, &x1, s16, w + 8, &a00, &a01, &a10, &a11);
        __asm__ volatile("" ::: "memory");
        mac4_2x2(&x0, &x1, s16, w + 16, &a00, &a01, &a10, &a11);
        __asm__ volatile("" ::: "memory");
        mac4_2x2(&x0, &x1, s16, w + 24, &a00, &a01, &a10, &a11);
        w += 32;
    }
    if (c_in & 8) {
        mac4_2x2(&x0, &x1, s16, w, &a00, &a01, &a10, &a11);
        __asm__ volatile("" ::: "memory");
        mac4_2x2(&x0, &x1, s16, w + 8, &a00, &a01, &a10, &a11);
        w += 16;
    }
    if (c_in & 4) {
        mac4_2x2(&x0, &x1, s16, w, &a00, &a01, &a10, &a11);
        w += 8;
    }
    for (int32_t k = s16 ? 0 : c_in & 3; k > 0; k--) {
        const int32_t v0 = *x0++, v1 = *x1++, w0 = w[0], w1 = w[1];
        w += 2;
        a00 += v0 * w0;
        a01 += v0 * w1;
        a10 += v1 * w0;
        a11 += v1 * w1;
    }
    acc[0] = a00;
    acc[1] = a01;
    acc[2] = a10;
    acc[3] = a11;
}

/* one pixel x two channels, same weight block */
static inline void dot_1x2(const int8_t *x0, int s16, const int8_t *w, int32_t c_in,
                           int32_t acc[2])
{
    int32_t a0 = acc[0], a1 = acc[1];
    for (int32_t k = c_in >> 2; k > 0; k--) {
        int32_t xl, xh;
        load4(&x0, s16, &xl, &xh);
        int32_t wv = tinyc_read_s32(w);
        a0 = tinyc_smlad(xl, tinyc_sxtb16(wv), a0);
        a0 = tinyc_smlad(xh, tinyc_sxtb16_ror8(wv), a0);
        wv = tinyc_read_s32(w + 4);
        w += 8;
        a1 = tinyc_smlad(xl, tinyc_sxtb16(wv), a1);
        a1 = tinyc_smlad(xh, tinyc_sxtb16_ror8(wv), a1);
    }
    for (int32_t k = s16 ? 0 : c_in & 3; k > 0; k--) {
        const int32_t v = *x0++;
        a0 += v * w[0];
        a1 += v * w[1];
        w += 2;
    }
    acc[0] = a0;
    acc[1] = a1;
}

/* two pixels x the last (odd) channel, whose c_in bytes are in the model's order */
static inline void dot_2x1(const int8_t *x0, const int8_t *x1, int s16, const int8_t *w,
                           int32_t c_in, int32_t acc[2])
{
    int32_t a0 = acc[0], a1 = acc[1];
    for (int32_t k = c_in >> 2; k > 0; k--) {
        int32_t x0l, x0h, x1l, x1h;
        load4(&x0, s16, &x0l, &x0h);
        load4(&x1, s16, &x1l, &x1h);
        const int32_t wv = tinyc_read_s32(w);
        w += 4;
        const int32_t wl = tinyc_sxtb16(wv), wh = tinyc_sxtb16_ror8(wv);
        a0 = tinyc_smlad(x0h, wh, tinyc_smlad(x0l, wl, a0));
        a1 = tinyc_smlad(x1h, wh, tinyc_smlad(x1l, wl, a1));
    }
    for (int32_t k = s16 ? 0 : c_in & 3; k > 0; k--) {
        const int32_t wt = *w++;
        a0 += *x0++ * wt;
        a1 += *x1++ * wt;
    }
    acc[0] = a0;
    acc[1] = a1;
}

static inline requant_consts requant_consts_of(const tinyc_conv2d_params *p)
{
    const requant_consts q = {p->output_offset, p->act_min, p->act_max};
    return q;
}

/* Every output channel of one or two pixels (x1 == NULL: one pixel) whose c_in inputs are
 * contiguous at x0 and x1: the int8 input pixel of a 1x1 convolution (s16 == 0) or a widened
 * im2col column (s16 == 1). */
static inline __attribute__((always_inline)) void
gemm_pixels_s8(const requant_consts *qp, int32_t c_in, int32_t c_out, const int8_t *x0,
               const int8_t *x1, int s16, int rq, const int8_t *filter, const int32_t *channels,
               int8_t *out0, int8_t *out1)
{
    const requant_consts q = *qp;
    const int8_t *w = filter;
    const int32_t *ch = channels;
    int32_t o = 0;
    for (; o + 1 < c_out; o += 2, w += 2 * c_in, ch += 2 * CH_WORDS) {
        const int32_t *ch1 = ch + CH_WORDS;
        if (x1) {
            int32_t acc[4] = {ch[CH_BIAS], ch1[CH_BIAS], ch[CH_BIAS], ch1[CH_BIAS]};
            dot_2x2(x0, x1, s16, w, c_in, acc);
            /* all four before any store: an int8 store may alias the table, and with none in
             * between GCC derives each channel's rounding mask once for two pixels */
            const int8_t r00 = requant_out(acc[0], &q, ch, rq);
            const int8_t r10 = requant_out(acc[2], &q, ch, rq);
            const int8_t r01 = requant_out(acc[1], &q, ch1, rq);
            const int8_t r11 = requant_out(acc[3], &q, ch1, rq);
            out0[o] = r00;
            out0[o + 1] = r01;
            out1[o] = r10;
            out1[o + 1] = r11;
        } else {
            int32_t acc[2] = {ch[CH_BIAS], ch1[CH_BIAS]};
            dot_1x2(x0, s16, w, c_in, acc);
            const int8_t r0 = requant_out(acc[0], &q, ch, rq);
            const int8_t r1 = requant_out(acc[1], &q, ch1, rq);
            out0[o] = r0;
            out0[o + 1] = r1;
        }
    }
    if (o < c_out) {
        int32_t acc[2] = {ch[CH_BIAS], ch[CH_BIAS]};
        dot_2x1(x0, x1 ? x1 : x0, s16, w, c_in, acc);
        const int8_t r0 = requant_out(acc[0], &q, ch, rq);
        const int8_t r1 = requant_out(acc[1], &q, ch, rq);
        out0[o] = r0;
        if (x1) {
            out1[o] = r1;
        }
    }
}

#ifdef __cplusplus
}
#endif

#endif
