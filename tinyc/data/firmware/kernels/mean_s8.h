/* MEAN (and SUM) over any set of axes, int8, with TFLM's requantization for the mean: the multiplier
 * for input_scale / output_scale is divided by the element count at compile time (in the
 * shifted fixed-point form TFLM uses), then one rounding multiply per output element. */
#ifndef TINYC_MEAN_S8_H
#define TINYC_MEAN_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYC_MEAN_MAX_DIMS 6

typedef struct {
    int32_t out_ndim;                          /* kept dims (input strides, elements) */
    int32_t out_dims[TINYC_MEAN_MAX_DIMS];
    int32_t out_stride[TINYC_MEAN_MAX_DIMS];
    int32_t red_ndim;                          /* reduced dims */
    int32_t red_dims[TINYC_MEAN_MAX_DIMS];
    int32_t red_stride[TINYC_MEAN_MAX_DIMS];
    int32_t zp_times_count;                    /* input zero point * reduced element count */
    int32_t multiplier, shift;                 /* already divided by the count */
    int32_t output_offset;
} tinyc_mean_params;

int tinyc_mean_s8(const tinyc_mean_params *p, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
