#include "conv2d_1x1_s8_sparse_dsp.h"

#include "conv2d_gemm_s8_dsp.h"

/* every output channel of two pixels (out1 == NULL: x1 is x0 again and is not stored) */
static void sparse_pixels(const requant_consts *qp, int32_t c_out, const int8_t *x0,
                          const int8_t *x1, const int16_t *nz_count, const uint8_t *nz,
                          const int32_t *channels, int8_t *out0, int8_t *out1)
{
    const requant_consts q = *qp;
    const int32_t *ch = channels;
    for (int32_t o = 0; o < c_out; o++, ch += CH_WORDS) {
        int32_t a0 = ch[CH_BIAS], a1 = a0;
        for (int32_t n = nz_count[o]; n > 0; n--) {
            const int32_t i = nz[0], w = (int8_t)nz[1];
            nz += 2;
            a0 += x0[i] * w;
            a1 += x1[i] * w;
        }
        const int8_t r0 = requant_out(a0, &q, ch, RQ_EXACT);
        const int8_t r1 = requant_out(a1, &q, ch, RQ_EXACT);
        out0[o] = r0;
        if (out1) {
            out1[o] = r1;
        }
    }
}

int tinyc_conv2d_1x1_s8_sparse_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                                   const int8_t *input, const int16_t *nz_count,
                                   const uint8_t *nz_taps, const int32_t *channels,
                                   int8_t *output)
{
    (void)scratch;
    if (p->filter.h != 1 || p->filter.w != 1 || p->filter.c != p->input.c || p->pad_h != 0
        || p->pad_w != 0 || p->input.c <= 0 || p->input.c > 256) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t c_out = p->output.c;
    const requant_consts q = requant_consts_of(p);
    const int32_t pixels = p->output.n * p->output.h * p->output.w;
    pixel_walk walk = {input, input, 0, 0, 0};
    int8_t *out = output;
    int32_t i = 0;
    for (; i + 1 < pixels; i += 2, out += 2 * c_out) {
        const int8_t *x0 = walk_next(&walk, p);
        const int8_t *x1 = walk_next(&walk, p);
        sparse_pixels(&q, c_out, x0, x1, nz_count, nz_taps, channels, out, out + c_out);
    }
    if (i < pixels) {
        const int8_t *x0 = walk_next(&walk, p);
        sparse_pixels(&q, c_out, x0, x0, nz_count, nz_taps, channels, out, NULL);
    }
    return TINYC_KERNEL_OK;
}
