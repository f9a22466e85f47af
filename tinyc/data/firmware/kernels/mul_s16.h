/* MUL, int16 (TFLM's int16x8 scheme: zero points 0), with broadcasting: TFLM's reference
 * arithmetic, x1 * x2 requantized once to the output (int32 requantization), then clamped. */
#ifndef TINYC_MUL_S16_H
#define TINYC_MUL_S16_H

#include "mul_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Safe in place (output == input1) when input 1 has the output's shape. The offsets of
 * tinyc_mul_params are 0 (TFLM requires it for int16). */
int tinyc_mul_s16(const tinyc_mul_params *p, const int16_t *input1, const int16_t *input2,
                  int16_t *output);

int32_t tinyc_mul_s16_scratch_size(const tinyc_mul_params *p);

#ifdef __cplusplus
}
#endif

#endif
