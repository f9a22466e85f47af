/* AVERAGE_POOL_2D, int8, for cores with the DSP extension: four channels per 32-bit load,
 * summed as int16 pairs with SXTAB16 (and SXTAB16 ROR 8), exact for windows of at most 256
 * taps (|sum| <= 256 * 128); then TFLM's division rounded half away from zero. */
#ifndef TINYC_AVG_POOL2D_S8_DSP_H
#define TINYC_AVG_POOL2D_S8_DSP_H

#include "pooling_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYC_AVG_POOL_DSP_MAX_TAPS 256

int tinyc_avg_pool2d_s8_dsp(const tinyc_pool2d_params *p, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
