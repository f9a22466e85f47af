/* Elementwise int8 -> int8 through a 256-entry table.
 *
 * Every int8 unary op (QUANTIZE int8->int8, RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC,
 * TANH) has only 256 possible inputs, so tinyc evaluates TFLM's integer arithmetic for all
 * of them at compile time (tinyc/backends/native/fixedpoint.py) and the device only looks
 * the answer up. Safe in place (output == input). */
#ifndef TINYC_LUT_S8_H
#define TINYC_LUT_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;            /* elements */
    const int8_t *table;     /* table[x + 128] is the output for input x */
} tinyc_lut_params;

int tinyc_lut_s8(const tinyc_lut_params *p, const int8_t *input, int8_t *output);

int32_t tinyc_lut_s8_scratch_size(const tinyc_lut_params *p);

#ifdef __cplusplus
}
#endif

#endif
