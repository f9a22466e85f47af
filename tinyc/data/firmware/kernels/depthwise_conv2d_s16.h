/* DEPTHWISE_CONV_2D in TFLM's int16x8 scheme: int16 activations, int8 weights, int64 bias
 * and accumulator, per-channel requantization of the 64-bit sum. TFLM's int16 reference
 * applies no zero-point offsets (input_offset and output_offset are unused here); its
 * activation clamp is the output's, zero point included.
 *
 * Portable reference kernel, as TFLM's reference_integer_ops::DepthwiseConvPerChannel for
 * int16. */
#ifndef TINYC_DEPTHWISE_CONV2D_S16_H
#define TINYC_DEPTHWISE_CONV2D_S16_H

#include "depthwise_conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Taps in the padding are skipped (they read zero). bias: one per output channel. */
int tinyc_depthwise_conv2d_s16(const tinyc_depthwise_conv2d_params *p, tinyc_ctx scratch,
                               const int16_t *input, const int8_t *filter,
                               const int64_t *bias, int16_t *output);

int32_t tinyc_depthwise_conv2d_s16_scratch_size(const tinyc_depthwise_conv2d_params *p);

#ifdef __cplusplus
}
#endif

#endif
