/* MEAN (and SUM) over any set of axes, int16: TFLM's QuantizedMeanOrSum<int16_t>, the int8
 * kernel's arithmetic (int32 sums, the zero point times the count taken off modulo 2^32 as
 * TFLM's cast does) with an int16 clamp. Parameters: tinyc_mean_params (mean_s8.h). */
#ifndef TINYC_MEAN_S16_H
#define TINYC_MEAN_S16_H

#include "mean_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

int tinyc_mean_s16(const tinyc_mean_params *p, const int16_t *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif
