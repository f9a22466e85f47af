/* LOGISTIC and TANH, int16 (TFLM's reference_integer_ops::Logistic and Tanh for int16): the
 * input rescaled by an integer multiplier and right shift, then TFLM's 256-entry table of
 * sigmoid(i / 24) in 0.16 fixed point, linearly interpolated (tanh(x) = 2 sigmoid(2x) - 1).
 * Zero points 0 and an output scale of 2^-15, as TFLM requires. */
#ifndef TINYC_SIGMOID_LUT_S16_H
#define TINYC_SIGMOID_LUT_S16_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;
    int32_t input_multiplier;   /* 0 < m <= 32767 */
    int32_t input_left_shift;   /* a right shift with rounding, despite TFLM's name */
} tinyc_sigmoid_lut_s16_params;

/* In place is safe (element i is read before it is written). table: 256 entries. */
int tinyc_logistic_s16(const tinyc_sigmoid_lut_s16_params *p, const uint16_t *table,
                       const int16_t *input, int16_t *output);
int tinyc_tanh_s16(const tinyc_sigmoid_lut_s16_params *p, const uint16_t *table,
                   const int16_t *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif
