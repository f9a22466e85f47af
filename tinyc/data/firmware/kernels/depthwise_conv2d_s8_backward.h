/* DEPTHWISE_CONV_2D int8, run from the last output byte to the first.
 *
 * The same arithmetic as tinyc_depthwise_conv2d_s8 in the reverse order (last output pixel
 * and channel first), so the output may be planned partly over the top of its own input
 * (the planner's contract: tinyc/backends/native/access_order.py). */
#ifndef TINYC_DEPTHWISE_CONV2D_S8_BACKWARD_H
#define TINYC_DEPTHWISE_CONV2D_S8_BACKWARD_H
#include "depthwise_conv2d_s8.h"
#ifdef __cplusplus
extern "C" {
#endif

int tinyc_depthwise_conv2d_s8_backward(const tinyc_depthwise_conv2d_params *p,
                                       tinyc_ctx scratch, const int8_t *input,
                                       const int8_t *filter, const int32_t *bias_folded,
                                       int8_t *output);

#ifdef __cplusplus
}
#endif
#endif
