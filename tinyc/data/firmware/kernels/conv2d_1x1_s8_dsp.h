/* CONV_2D with a 1x1 filter and no padding, for cores with the DSP extension.
 *
 * A GEMM straight from the NHWC input (no im2col): two output pixels by two output channels,
 * input and weight bytes widened with SXTB16 (bytes 0,2) and SXTB16 ROR 8 (bytes 1,3) so one
 * SMLAD multiplies matching channel pairs (conv2d_gemm_s8_dsp.h). Chosen for layers with few
 * output channels; with many, widening each pixel once (conv2d_s8_dsp.h) pays.
 * The input offset is folded into the bias at compile time, so no offset is added per tap. */
#ifndef TINYC_CONV2D_1X1_S8_DSP_H
#define TINYC_CONV2D_1X1_S8_DSP_H

#include "conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* channels: per output channel {folded bias, multiplier, left shift, right shift}
 * (conv2d_gemm_s8_dsp.h); p->quant is not read. */
/* filter_relaid: the model's [oc, 1, 1, c] filter in the order conv2d_gemm_s8_dsp.h reads it.
 * Requires a 1x1 filter, no padding, no groups; any stride. */
int tinyc_conv2d_1x1_s8_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                            const int8_t *filter_relaid, const int32_t *channels,
                            int8_t *output);

/* The same for layers the compiler proved fit RQ_FAST (conv2d_gemm_s8_dsp.h): channels then
 * hold {folded bias, multiplier, 2^(r-1) + output offset * 2^r, r}. */
int tinyc_conv2d_1x1_s8_rqfast_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                                   const int8_t *input, const int8_t *filter_relaid,
                                   const int32_t *channels, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
