/* ADD_N int8, as TFLM's reference AddN: inputs sharing one scale and zero point, each
 * (x - zp) << 20 halved (TFLM's input multiplier is always 0.5), summed onto TFLM's starting
 * value (its -zp, scaled the same way), requantized to the output. */
#ifndef TINYC_ADD_N_S8_H
#define TINYC_ADD_N_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;                          /* elements of each input and of the output */
    int32_t n_inputs;
    int32_t input_offset;                  /* -input zero point */
    int32_t left_shift;
    int32_t input_multiplier, input_shift;
    int32_t output_multiplier, output_shift;
    int32_t output_offset;
    int32_t act_min, act_max;
} tinyc_add_n_params;

int tinyc_add_n_s8(const tinyc_add_n_params *p, const int8_t *const *inputs, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
