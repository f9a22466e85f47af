/* CONV_2D in TFLM's int16x8 scheme: int16 activations (zero points 0), int8 weights, int64
 * bias and accumulator, per-channel requantization of the 64-bit sum (or, for a model with an
 * int32 bias, TFLM's int32 accumulator and int32 requantization).
 *
 * Portable reference kernel, as TFLM's reference_integer_ops::ConvPerChannel for int16. */
#ifndef TINYC_CONV2D_S16_H
#define TINYC_CONV2D_S16_H

#include "conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    tinyc_conv2d_params conv;    /* input_offset and output_offset are 0 */
    int32_t int32_accumulator;   /* 1: the model's bias is int32 (TFLM accumulates in int32) */
} tinyc_conv2d_s16_params;

/* Taps in the padding are skipped (they read zero). */
int tinyc_conv2d_s16(const tinyc_conv2d_s16_params *p, tinyc_ctx scratch, const int16_t *input,
                     const int8_t *filter, const int64_t *bias, int16_t *output);

int32_t tinyc_conv2d_s16_scratch_size(const tinyc_conv2d_s16_params *p);

#ifdef __cplusplus
}
#endif

#endif
