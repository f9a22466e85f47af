/* REDUCE_MAX and REDUCE_MIN int8 over any set of axes, as TFLM: the raw values compared (TFLM
 * requires the output to keep the input's scale and zero point). */
#ifndef TINYC_REDUCE_MINMAX_S8_H
#define TINYC_REDUCE_MINMAX_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYC_REDUCE_MAX_DIMS 6

typedef struct {
    int32_t out_ndim;                          /* kept dims (input strides, elements) */
    int32_t out_dims[TINYC_REDUCE_MAX_DIMS];
    int32_t out_stride[TINYC_REDUCE_MAX_DIMS];
    int32_t red_ndim;                          /* reduced dims */
    int32_t red_dims[TINYC_REDUCE_MAX_DIMS];
    int32_t red_stride[TINYC_REDUCE_MAX_DIMS];
    int32_t is_max;                            /* 1: REDUCE_MAX, 0: REDUCE_MIN */
} tinyc_reduce_minmax_params;

int tinyc_reduce_minmax_s8(const tinyc_reduce_minmax_params *p, const int8_t *input,
                           int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
