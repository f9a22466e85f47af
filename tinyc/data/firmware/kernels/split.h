/* SPLIT and SPLIT_V for any element size: the inverse of CONCATENATION. Per outer slice
 * (the dims before the axis), one contiguous copy into each output; no requantization (TFLM
 * copies the values). */
#ifndef TINYC_SPLIT_H
#define TINYC_SPLIT_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t outer;               /* product of the dims before the axis */
    int32_t n_outputs;
    const int32_t *part_bytes;   /* [n_outputs] bytes of each output per outer slice */
} tinyc_split_params;

int tinyc_split(const tinyc_split_params *p, const void *input, void *const *outputs);

#ifdef __cplusplus
}
#endif

#endif
