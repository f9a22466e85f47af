/* CONV_2D, any filter size, stride, dilation and padding (no groups), for cores with the DSP
 * extension: the input taps of two output pixels are gathered into two im2col columns in
 * scratch (a tap in the padding gets the input zero point, which the folded bias cancels) and
 * widened once to int16 in SXTB16 order, so the GEMM loads them without extending (the extend
 * is paid once per pixel, not once per output-channel pair); then the shared 2x2 SMLAD GEMM
 * (conv2d_gemm_s8_dsp.h). */
#ifndef TINYC_CONV2D_S8_DSP_H
#define TINYC_CONV2D_S8_DSP_H

#include "conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* channels: per output channel {folded bias, multiplier, left shift, right shift}
 * (conv2d_gemm_s8_dsp.h); p->quant is not read. */
/* filter_relaid: the model's [oc, fh, fw, c] filter, each channel's fh*fw*c taps as one row
 * padded with zeros to a multiple of 4, in the order conv2d_gemm_s8_dsp.h reads it. */
int tinyc_conv2d_s8_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                        const int8_t *filter_relaid, const int32_t *channels, int8_t *output);

/* The same for layers the compiler proved fit RQ_FAST (conv2d_gemm_s8_dsp.h): channels then
 * hold {folded bias, multiplier, 2^(r-1) + output offset * 2^r, r}. Same scratch. */
int tinyc_conv2d_s8_rqfast_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                               const int8_t *input, const int8_t *filter_relaid,
                               const int32_t *channels, int8_t *output);

/* The same two for columns of exactly 28 taps (3x3 filters over 3 channels, padded), the
 * column length a compile-time constant. */
int tinyc_conv2d_s8_k28_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                            const int8_t *filter_relaid, const int32_t *channels, int8_t *output);
int tinyc_conv2d_s8_k28_rqfast_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                                   const int8_t *input, const int8_t *filter_relaid,
                                   const int32_t *channels, int8_t *output);

/* two int16 im2col columns of fh*fw*c taps rounded up to a multiple of 4 */
int32_t tinyc_conv2d_s8_dsp_scratch_size(const tinyc_conv2d_params *p);

#ifdef __cplusplus
}
#endif

#endif
