/* A 1x1 CONV_2D feeding a DEPTHWISE_CONV_2D, run as one kernel: the 1x1 output is never
 * stored whole, only the depthwise filter's rows of it, in a ring in scratch (MCUNetV2's
 * patch idea along rows). The arithmetic is the two portable kernels', so the bytes out are
 * the same; the RAM is the 1x1 input + filter-height rows + the depthwise output. */
#ifndef TINYC_POINTWISE_DEPTHWISE_S8_H
#define TINYC_POINTWISE_DEPTHWISE_S8_H
#include "conv2d_s8.h"
#include "depthwise_conv2d_s8.h"
#ifdef __cplusplus
extern "C" {
#endif

/* pw: 1x1, stride 1, no padding or groups, batch 1; dw: dilation 1, batch 1, its input is
 * pw's output. scratch: filter.h rows of pw's output (tinyc_pointwise_depthwise_s8_scratch_size). */
int tinyc_pointwise_depthwise_s8(const tinyc_conv2d_params *pw, const int8_t *pw_filter,
                                 const int32_t *pw_bias,
                                 const tinyc_depthwise_conv2d_params *dw,
                                 const int8_t *dw_filter, const int32_t *dw_bias,
                                 tinyc_ctx scratch, const int8_t *input, int8_t *output);

int32_t tinyc_pointwise_depthwise_s8_scratch_size(const tinyc_depthwise_conv2d_params *dw);

#ifdef __cplusplus
}
#endif
#endif
