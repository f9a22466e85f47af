#include "conv2d_1x1_s8_cn_dsp.h"

#include "conv2d_gemm_s8_dsp.h"

/* always inlined: each kernel is compiled with its own constant c_in and requantization */
static inline __attribute__((always_inline)) int
conv2d_1x1_cn(const tinyc_conv2d_params *p, const int8_t *input, const int8_t *filter_relaid,
              const int32_t *channels, int8_t *output, int32_t c_in, int rq)
{
    if (p->filter.h != 1 || p->filter.w != 1 || p->filter.c != c_in || p->input.c != c_in
        || p->pad_h != 0 || p->pad_w != 0 || p->stride_h != 1 || p->stride_w != 1
        || p->output.h != p->input.h || p->output.w != p->input.w) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t c_out = p->output.c;
    const requant_consts q = requant_consts_of(p);
    const int32_t pixels = p->output.n * p->output.h * p->output.w;
    const int8_t *x = input;
    int8_t *out = output;
    int32_t i = 0;
    for (; i + 1 < pixels; i += 2, x += 2 * c_in, out += 2 * c_out) {
        gemm_pixels_s8(&q, c_in, c_out, x, x + c_in, 0, rq, filter_relaid, channels, out,
                       out + c_out);
    }
    if (i < pixels) {
        gemm_pixels_s8(&q, c_in, c_out, x, NULL, 0, rq, filter_relaid, channels, out, NULL);
    }
    return TINYC_KERNEL_OK;
}

#define TINYC_CONV2D_1X1_CN(name, c_in, rq)                                                      \
    int name(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,              \
             const int8_t *filter_relaid, const int32_t *channels, int8_t *output)              \
    {                                                                                            \
        (void)scratch;                                                                           \
        return conv2d_1x1_cn(p, input, filter_relaid, channels, output, c_in, rq);               \
    }

TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c8_dsp, 8, RQ_EXACT)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c16_dsp, 16, RQ_EXACT)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c32_dsp, 32, RQ_EXACT)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c64_dsp, 64, RQ_EXACT)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c8_rqfast_dsp, 8, RQ_FAST)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c16_rqfast_dsp, 16, RQ_FAST)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c32_rqfast_dsp, 32, RQ_FAST)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c64_rqfast_dsp, 64, RQ_FAST)
