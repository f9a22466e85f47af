/* TRANSPOSE_CONV in TFLM's int16x8 scheme: int16 input and output (zero points 0), int8
 * weights, int64 bias; scatters into int64 accumulators in scratch and requantizes them with
 * TFLM's 64-bit MultiplyByQuantizedMultiplier (reference_integer_ops::TransposeConv). */
#ifndef TINYC_TRANSPOSE_CONV_S16_H
#define TINYC_TRANSPOSE_CONV_S16_H

#include "transpose_conv_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* input_offset and output_offset are 0; bias may be NULL. */
int tinyc_transpose_conv_s16(const tinyc_transpose_conv_params *p, tinyc_ctx scratch,
                             const int16_t *input, const int8_t *filter, const int64_t *bias,
                             int16_t *output);

/* One int64 accumulator per output element. */
int32_t tinyc_transpose_conv_s16_scratch_size(const tinyc_transpose_conv_params *p);

#ifdef __cplusplus
}
#endif

#endif
