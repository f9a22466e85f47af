/* Patch-based execution (tinyc/backends/native/patch.py): copy a rectangle of pixels between an
 * NHWC int8 tensor and a patch buffer. Region pixels that fall outside the source are written
 * with `fill` (the source's zero point: what TFLM's SAME padding adds), so the layers of a
 * patch run with VALID padding and stay bit-exact. One kernel gathers a patch from the stage
 * input, pads an intermediate patch, and scatters the last one into the stage output. */
#ifndef TINYC_PATCH_COPY_S8_H
#define TINYC_PATCH_COPY_S8_H

#include <stdint.h>

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t src_h, src_w;   /* source rows and columns */
    int32_t dst_w;          /* destination row width, pixels */
    int32_t channels;
    int32_t rows, cols;     /* the region copied */
    int32_t src_y, src_x;   /* source pixel of the region's first pixel (may lie outside) */
    int32_t dst_y, dst_x;   /* destination pixel of the region's first pixel */
    int32_t fill;           /* int8 value of pixels outside the source */
} tinyc_patch_copy_params;

int tinyc_patch_copy_s8(const tinyc_patch_copy_params *p, const int8_t *src, int8_t *dst);

#ifdef __cplusplus
}
#endif

#endif
