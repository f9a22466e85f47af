/* A 1x1 CONV_2D feeding a DEPTHWISE_CONV_2D, row-streamed, on the DSP kernels: the 1x1 output
 * is never stored whole, only the rows the depthwise filter's window covers, in order, in a
 * window of filter.h rows in scratch. For each depthwise output row the window slides down
 * (the rows still needed move to its top, one memmove), the DSP 1x1 kernel the compiler chose
 * for the conv computes the new rows below them, and the DSP depthwise kernel chosen for the
 * depthwise op runs on the window as an input of that many rows with one output row. Every
 * 1x1 output row the depthwise reads is computed once, by the same kernels as the two ops
 * apart, so the bytes out are theirs; the RAM is the 1x1 input + the window + the depthwise
 * output. */
#ifndef TINYC_POINTWISE_DEPTHWISE_S8_DSP_H
#define TINYC_POINTWISE_DEPTHWISE_S8_DSP_H
#include "conv2d_s8.h"
#include "depthwise_conv2d_s8.h"
#ifdef __cplusplus
extern "C" {
#endif

/* The signatures of the 1x1 GEMM kernels (conv2d_1x1_s8_dsp.h, conv2d_1x1_s8_cn_dsp.h) and
 * of the DSP depthwise kernels (depthwise_conv2d_s8_dsp.h). */
typedef int (*tinyc_pointwise_dsp_fn)(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                                      const int8_t *input, const int8_t *filter_relaid,
                                      const int32_t *channels, int8_t *output);
typedef int (*tinyc_depthwise_dsp_fn)(const tinyc_depthwise_conv2d_params *p, tinyc_ctx scratch,
                                      const int8_t *input, const int16_t *filter_grouped,
                                      const int32_t *bias_folded, const tinyc_requant_r2 *rq,
                                      int8_t *output);

/* pw: 1x1, stride 1, no padding or groups, batch 1, a kernel that needs no scratch; dw:
 * dilation 1, batch 1, its input is pw's output. scratch: the window, then the depthwise
 * kernel's own scratch (tinyc_pointwise_depthwise_s8_dsp_scratch_size). */
int tinyc_pointwise_depthwise_s8_dsp(const tinyc_conv2d_params *pw, tinyc_pointwise_dsp_fn pw_fn,
                                     const int8_t *pw_filter, const int32_t *pw_channels,
                                     const tinyc_depthwise_conv2d_params *dw,
                                     tinyc_depthwise_dsp_fn dw_fn, const int16_t *dw_filter,
                                     const int32_t *dw_bias, const tinyc_requant_r2 *dw_rq,
                                     tinyc_ctx scratch, const int8_t *input, int8_t *output);

/* filter.h rows of pw's output, then ceil4(channels) bytes (the depthwise kernel's pad row) */
int32_t tinyc_pointwise_depthwise_s8_dsp_scratch_size(const tinyc_depthwise_conv2d_params *dw);

#ifdef __cplusplus
}
#endif
#endif
