/* RESIZE_BILINEAR int8, as TFLM's ResizeBilinearInteger: positions in 10-bit fixed point, the
 * four neighbours weighted in int64 and rounded half away from zero by 2^20 (TFLM's double-
 * rounding build). The neighbours and weights of every output row and column are computed at
 * compile time. The output takes the input's quantization as it is (TFLM does not rescale). */
#ifndef TINYC_RESIZE_BILINEAR_S8_H
#define TINYC_RESIZE_BILINEAR_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    tinyc_dims input;            /* NHWC */
    int32_t out_h, out_w;
    const int32_t *y0, *y1, *wy; /* [out_h] rows above/below, and (position - 1024 * y0) */
    const int32_t *x0, *x1, *wx; /* [out_w] columns left/right, and (position - 1024 * x0) */
} tinyc_resize_bilinear_params;

int tinyc_resize_bilinear_s8(const tinyc_resize_bilinear_params *p, const int8_t *input,
                             int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
