/* RESIZE_NEAREST_NEIGHBOR for any element size, as TFLM's reference: every output pixel is a
 * copy of one input pixel. The source row and column of each output row and column are
 * computed at compile time (align_corners and half_pixel_centers are folded into them). */
#ifndef TINYC_RESIZE_NEAREST_H
#define TINYC_RESIZE_NEAREST_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    tinyc_dims input;            /* NHWC */
    int32_t out_h, out_w;
    int32_t elem_bytes;
    const int32_t *in_row;       /* [out_h] source row of each output row */
    const int32_t *in_col;       /* [out_w] source column of each output column */
} tinyc_resize_nearest_params;

int tinyc_resize_nearest(const tinyc_resize_nearest_params *p, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif
