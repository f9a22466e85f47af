#include "conv2d_1x1_s8_dsp.h"

#include "conv2d_gemm_s8_dsp.h"

/* always inlined: each flavour's kernel is compiled with its own requantization */
static inline __attribute__((always_inline)) int conv2d_1x1(const tinyc_conv2d_params *p,
                                                            const int8_t *input,
                                                            const int8_t *filter_relaid,
                                                            const int32_t *channels,
                                                            int8_t *output, int rq)
{
    if (p->filter.h != 1 || p->filter.w != 1 || p->filter.c != p->input.c || p->pad_h != 0
        || p->pad_w != 0 || p->input.c <= 0) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t c_in = p->input.c, c_out = p->output.c;
    const requant_consts q = requant_consts_of(p);
    const int32_t pixels = p->output.n * p->output.h * p->output.w;
    pixel_walk walk = {input, input, 0, 0, 0};
    int8_t *out = output;
    int32_t i = 0;
    for (; i + 1 < pixels; i += 2, out += 2 * c_out) {
        const int8_t *x0 = walk_next(&walk, p);
        const int8_t *x1 = walk_next(&walk, p);
        gemm_pixels_s8(&q, c_in, c_out, x0, x1, 0, rq, filter_relaid, channels, out, out + c_out);
    }
    if (i < pixels) {
        const int8_t *x0 = walk_next(&walk, p);
        gemm_pixels_s8(&q, c_in, c_out, x0, NULL, 0, rq, filter_relaid, channels, out, NULL);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_conv2d_1x1_s8_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                            const int8_t *filter_relaid, const int32_t *channels,
                            int8_t *output)
{
    (void)scratch;
    return conv2d_1x1(p, input, filter_relaid, channels, output, RQ_EXACT);
}

int tinyc_conv2d_1x1_s8_rqfast_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                                   const int8_t *input, const int8_t *filter_relaid,
                                   const int32_t *channels, int8_t *output)
{
    (void)scratch;
    return conv2d_1x1(p, input, filter_relaid, channels, output, RQ_FAST);
}
