/* GATHER for any element size, as TFLM: slices of the input picked along one axis by int32
 * positions (a constant or a run-time tensor), batch_dims leading dims shared. A position
 * outside the axis fails the kernel before anything is written. */
#ifndef TINYC_GATHER_H
#define TINYC_GATHER_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t batch, outer;        /* products of the batch dims and of the dims up to the axis */
    int32_t axis_size;
    int32_t coord_size;          /* positions per batch */
    int32_t inner_bytes;         /* bytes of one slice (dims after the axis) */
} tinyc_gather_params;

int tinyc_gather(const tinyc_gather_params *p, const void *input, const int32_t *positions,
                 void *output);

#ifdef __cplusplus
}
#endif

#endif
