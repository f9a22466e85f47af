/* MIRROR_PAD int8 (REFLECT or SYMMETRIC), as TFLM: every output element copies the input element
 * whose index along each axis the compiler tabulated (TFLM's GetInputDimension). */
#ifndef TINYC_MIRROR_PAD_S8_H
#define TINYC_MIRROR_PAD_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYC_MIRROR_PAD_MAX_DIMS 6

typedef struct {
    int32_t ndim;
    int32_t out_dims[TINYC_MIRROR_PAD_MAX_DIMS];
    int32_t in_stride[TINYC_MIRROR_PAD_MAX_DIMS];   /* elements */
    int32_t map_base[TINYC_MIRROR_PAD_MAX_DIMS];    /* where each axis's table starts in map */
    const int32_t *map;          /* per axis, per output index: the input index */
} tinyc_mirror_pad_params;

int tinyc_mirror_pad_s8(const tinyc_mirror_pad_params *p, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
