/* CONV_2D int8, run from the last output byte to the first.
 *
 * The same arithmetic as tinyc_conv2d_s8 (same params, same bytes out), in the reverse
 * order: output pixels from the last to the first, channels from the last to the first. So
 * the output may be planned partly over the top of its own input: a byte is written only
 * after every input byte above it has been read for the last time (the planner's contract,
 * tinyc/backends/native/access_order.py). */
#ifndef TINYC_CONV2D_S8_BACKWARD_H
#define TINYC_CONV2D_S8_BACKWARD_H
#include "conv2d_s8.h"
#ifdef __cplusplus
extern "C" {
#endif

int tinyc_conv2d_s8_backward(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                             const int8_t *input, const int8_t *filter,
                             const int32_t *bias_folded, int8_t *output);

#ifdef __cplusplus
}
#endif
#endif
