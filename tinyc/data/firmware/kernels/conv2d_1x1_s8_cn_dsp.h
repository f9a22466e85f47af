/* CONV_2D with a 1x1 filter, stride 1 and no padding, for cores with the DSP extension, one
 * kernel per input channel count the models use (8, 16, 32, 64): the GEMM of conv2d_1x1_s8_dsp.h
 * compiled with c_in a constant, so its inner loop is unrolled with no tail and no per-block
 * set-up, and the pixels are read in order (stride 1: output pixel i reads input pixel i).
 * Measured on mps2-an386: see ops/conv2d_dsp.py FIXED_IN_CHANNELS.
 * Same arguments as tinyc_conv2d_1x1_s8_dsp; the _rqfast ones take RQ_FAST's channel table. */
#ifndef TINYC_CONV2D_1X1_S8_CN_DSP_H
#define TINYC_CONV2D_1X1_S8_CN_DSP_H

#include "conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYC_CONV2D_1X1_CN(name)                                                                \
    int name(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,              \
             const int8_t *filter_relaid, const int32_t *channels, int8_t *output);

TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c8_dsp)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c16_dsp)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c32_dsp)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c64_dsp)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c8_rqfast_dsp)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c16_rqfast_dsp)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c32_rqfast_dsp)
TINYC_CONV2D_1X1_CN(tinyc_conv2d_1x1_s8_c64_rqfast_dsp)

#undef TINYC_CONV2D_1X1_CN

#ifdef __cplusplus
}
#endif

#endif
