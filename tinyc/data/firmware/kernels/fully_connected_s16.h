/* FULLY_CONNECTED in TFLM's int16x8 scheme: int16 activations, int8 weights, a 64-bit
 * accumulator and bias requantized as TFLM's MultiplyByQuantizedMultiplier(int64_t, ...)
 * (or, for a model with an int32 bias, TFLM's int32 accumulator and requantization).
 *
 * Portable reference kernel, as TFLM's reference_integer_ops::FullyConnected(PerChannel) for
 * int16. Unlike its convolutions, TFLM's int16 FULLY_CONNECTED takes any zero points. */
#ifndef TINYC_FULLY_CONNECTED_S16_H
#define TINYC_FULLY_CONNECTED_S16_H

#include "fully_connected_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    tinyc_fully_connected_params fc;   /* input_offset is folded into the bias */
    int32_t int32_accumulator;         /* 1: the model's bias is int32 (TFLM sums in int32) */
} tinyc_fully_connected_s16_params;

/* bias_folded[o] = bias[o] + input_offset * sum_i(weights[o][i]), computed at compile time. */
int tinyc_fully_connected_s16(const tinyc_fully_connected_s16_params *p, const int16_t *input,
                              const int8_t *weights, const int64_t *bias_folded,
                              int16_t *output);

int32_t tinyc_fully_connected_s16_scratch_size(const tinyc_fully_connected_s16_params *p);

#ifdef __cplusplus
}
#endif

#endif
