/* LEAKY_RELU int16 -> int16, as TFLM's reference QuantizeLeakyRelu<int16_t>: identity or alpha
 * requantization of (x - input zero point), plus the output zero point, saturated. */
#ifndef TINYC_LEAKY_RELU_S16_H
#define TINYC_LEAKY_RELU_S16_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;                     /* elements */
    int32_t input_zero_point, output_zero_point;
    int32_t mult_id, shift_id;        /* input scale / output scale */
    int32_t mult_alpha, shift_alpha;  /* |alpha| * input scale / output scale */
    int32_t alpha_negative;
} tinyc_leaky_relu_s16_params;

/* Safe in place. */
int tinyc_leaky_relu_s16(const tinyc_leaky_relu_s16_params *p, const int16_t *input,
                         int16_t *output);

int32_t tinyc_leaky_relu_s16_scratch_size(const tinyc_leaky_relu_s16_params *p);

#ifdef __cplusplus
}
#endif

#endif
