#include "conv2d_1x1_s8_dsp.h"

#include "tinyc_simd.h"

/* The input pixel that output pixel (b, oy, ox) reads, walked in output order. */
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

static inline int8_t requant_out(int32_t acc, const tinyc_conv2d_params *p, int32_t oc)
{
    acc = tinyc_requantize_fast(acc, p->quant.multiplier[oc], p->quant.shift[oc]);
    return (int8_t)tinyc_clamp_i32(acc + p->output_offset, p->act_min, p->act_max);
}

/* two pixels x two channels; w: the pair's interleaved block */
static inline void dot_2x2(const int8_t *x0, const int8_t *x1, const int8_t *w, int32_t c_in,
                           int32_t acc[4])
{
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    for (int32_t k = c_in >> 2; k > 0; k--) {
        const int32_t xa = tinyc_read_s32(x0), xb = tinyc_read_s32(x1);
        x0 += 4;
        x1 += 4;
        const int32_t x0l = tinyc_sxtb16(xa), x0h = tinyc_sxtb16_ror8(xa);
        const int32_t x1l = tinyc_sxtb16(xb), x1h = tinyc_sxtb16_ror8(xb);
        int32_t wv = tinyc_read_s32(w);
        int32_t wl = tinyc_sxtb16(wv), wh = tinyc_sxtb16_ror8(wv);
        a00 = tinyc_smlad(x0l, wl, a00);
        a00 = tinyc_smlad(x0h, wh, a00);
        a10 = tinyc_smlad(x1l, wl, a10);
        a10 = tinyc_smlad(x1h, wh, a10);
        wv = tinyc_read_s32(w + 4);
        w += 8;
        wl = tinyc_sxtb16(wv);
        wh = tinyc_sxtb16_ror8(wv);
        a01 = tinyc_smlad(x0l, wl, a01);
        a01 = tinyc_smlad(x0h, wh, a01);
        a11 = tinyc_smlad(x1l, wl, a11);
        a11 = tinyc_smlad(x1h, wh, a11);
    }
    for (int32_t k = c_in & 3; k > 0; k--) {
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
static inline void dot_1x2(const int8_t *x0, const int8_t *w, int32_t c_in, int32_t acc[2])
{
    int32_t a0 = acc[0], a1 = acc[1];
    for (int32_t k = c_in >> 2; k > 0; k--) {
        const int32_t xa = tinyc_read_s32(x0);
        x0 += 4;
        const int32_t xl = tinyc_sxtb16(xa), xh = tinyc_sxtb16_ror8(xa);
        int32_t wv = tinyc_read_s32(w);
        a0 = tinyc_smlad(xl, tinyc_sxtb16(wv), a0);
        a0 = tinyc_smlad(xh, tinyc_sxtb16_ror8(wv), a0);
        wv = tinyc_read_s32(w + 4);
        w += 8;
        a1 = tinyc_smlad(xl, tinyc_sxtb16(wv), a1);
        a1 = tinyc_smlad(xh, tinyc_sxtb16_ror8(wv), a1);
    }
    for (int32_t k = c_in & 3; k > 0; k--) {
        const int32_t v = *x0++;
        a0 += v * w[0];
        a1 += v * w[1];
        w += 2;
    }
    acc[0] = a0;
    acc[1] = a1;
}

/* two pixels x the last (odd) channel, whose c_in bytes are in the model's order */
static inline void dot_2x1(const int8_t *x0, const int8_t *x1, const int8_t *w, int32_t c_in,
                           int32_t acc[2])
{
    int32_t a0 = acc[0], a1 = acc[1];
    for (int32_t k = c_in >> 2; k > 0; k--) {
        const int32_t xa = tinyc_read_s32(x0), xb = tinyc_read_s32(x1);
        const int32_t wv = tinyc_read_s32(w);
        x0 += 4;
        x1 += 4;
        w += 4;
        const int32_t wl = tinyc_sxtb16(wv), wh = tinyc_sxtb16_ror8(wv);
        a0 = tinyc_smlad(tinyc_sxtb16(xa), wl, a0);
        a0 = tinyc_smlad(tinyc_sxtb16_ror8(xa), wh, a0);
        a1 = tinyc_smlad(tinyc_sxtb16(xb), wl, a1);
        a1 = tinyc_smlad(tinyc_sxtb16_ror8(xb), wh, a1);
    }
    for (int32_t k = c_in & 3; k > 0; k--) {
        const int32_t wt = *w++;
        a0 += *x0++ * wt;
        a1 += *x1++ * wt;
    }
    acc[0] = a0;
    acc[1] = a1;
}

/* The output channels of one or two pixels (x1 == NULL: one pixel). */
static void pixels_out(const tinyc_conv2d_params *p, const int8_t *x0, const int8_t *x1,
                       const int8_t *filter, const int32_t *bias, int8_t *out0, int8_t *out1)
{
    const int32_t c_in = p->input.c, c_out = p->output.c;
    const int8_t *w = filter;
    int32_t o = 0;
    for (; o + 1 < c_out; o += 2, w += 2 * c_in) {
        if (x1) {
            int32_t acc[4] = {bias[o], bias[o + 1], bias[o], bias[o + 1]};
            dot_2x2(x0, x1, w, c_in, acc);
            out0[o] = requant_out(acc[0], p, o);
            out0[o + 1] = requant_out(acc[1], p, o + 1);
            out1[o] = requant_out(acc[2], p, o);
            out1[o + 1] = requant_out(acc[3], p, o + 1);
        } else {
            int32_t acc[2] = {bias[o], bias[o + 1]};
            dot_1x2(x0, w, c_in, acc);
            out0[o] = requant_out(acc[0], p, o);
            out0[o + 1] = requant_out(acc[1], p, o + 1);
        }
    }
    if (o < c_out) {
        int32_t acc[2] = {bias[o], bias[o]};
        dot_2x1(x0, x1 ? x1 : x0, w, c_in, acc);
        out0[o] = requant_out(acc[0], p, o);
        if (x1) {
            out1[o] = requant_out(acc[1], p, o);
        }
    }
}

int tinyc_conv2d_1x1_s8_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                            const int8_t *filter_relaid, const int32_t *bias_folded,
                            int8_t *output)
{
    (void)scratch;
    if (p->filter.h != 1 || p->filter.w != 1 || p->filter.c != p->input.c || p->pad_h != 0
        || p->pad_w != 0 || p->input.c <= 0) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t c_out = p->output.c;
    const int32_t pixels = p->output.n * p->output.h * p->output.w;
    pixel_walk walk = {input, input, 0, 0, 0};
    int8_t *out = output;
    int32_t i = 0;
    for (; i + 1 < pixels; i += 2, out += 2 * c_out) {
        const int8_t *x0 = walk_next(&walk, p);
        const int8_t *x1 = walk_next(&walk, p);
        pixels_out(p, x0, x1, filter_relaid, bias_folded, out, out + c_out);
    }
    if (i < pixels) {
        const int8_t *x0 = walk_next(&walk, p);
        pixels_out(p, x0, NULL, filter_relaid, bias_folded, out, NULL);
    }
    return TINYC_KERNEL_OK;
}
