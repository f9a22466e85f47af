/* AVERAGE_POOL_2D and MAX_POOL_2D, int8 (input and output share scale and zero point). */
#ifndef TINYC_POOLING_S8_H
#define TINYC_POOLING_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    tinyc_dims input;        /* n, h, w, c */
    tinyc_dims output;       /* n, h, w, c (same n and c) */
    int32_t filter_h, filter_w;
    int32_t stride_h, stride_w;
    int32_t pad_h, pad_w;    /* top and left padding; padded taps are not counted */
    int32_t act_min, act_max;
} tinyc_pool2d_params;

/* Average over the taps inside the input, rounded half away from zero (as TFLM). Returns
 * TINYC_KERNEL_BAD_PARAMS if a window holds no input tap. */
int tinyc_avg_pool2d_s8(const tinyc_pool2d_params *p, const int8_t *input, int8_t *output);

int tinyc_max_pool2d_s8(const tinyc_pool2d_params *p, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
