/* SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (NHWC, 3-D inputs seen as [N, H, 1, C]), as TFLM's
 * reference kernels: the batched tensor [block_h * block_w * space_n, batch_h, batch_w, C],
 * entry (k, y, x) with k = (i * block_w + j) * space_n + b, is the space tensor's element
 * (b, y * block_h + i - off_h, x * block_w + j - off_w) (off: the paddings or crops).
 * SPACE_TO_BATCH fills what falls outside the space tensor with `fill`; BATCH_TO_SPACE skips it. */
#ifndef TINYC_SPACE_BATCH_H
#define TINYC_SPACE_BATCH_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t to_batch;                  /* 1: SPACE_TO_BATCH_ND, 0: BATCH_TO_SPACE_ND */
    int32_t block_h, block_w;
    int32_t off_h, off_w;              /* top/left paddings (to batch) or crops (to space) */
    int32_t space_n, space_h, space_w;
    int32_t batch_h, batch_w;
    int32_t depth_bytes;               /* bytes of one C vector */
    uint8_t fill;                      /* SPACE_TO_BATCH's pad byte (0, as TFLM's wheel) */
} tinyc_space_batch_params;

int tinyc_space_batch(const tinyc_space_batch_params *p, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif
