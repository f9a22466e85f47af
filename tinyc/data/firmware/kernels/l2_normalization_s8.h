/* L2_NORMALIZATION int8 over the last axis, as TFLM's reference: the sum of squares of each
 * row, its inverse square root by TFLM's fixed-point Newton iteration
 * (GetInvSqrtQuantizedMultiplierExp), and the output in 1/128 steps with zero point 0 (TFLM
 * ignores the output tensor's quantization). */
#ifndef TINYC_L2_NORMALIZATION_S8_H
#define TINYC_L2_NORMALIZATION_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t outer, depth;
    int32_t input_zero_point;
} tinyc_l2_normalization_params;

int tinyc_l2_normalization_s8(const tinyc_l2_normalization_params *p, const int8_t *input,
                              int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
