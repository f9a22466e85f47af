/* GATHER_ND for any element size, as TFLM's gather_nd.cc: each row of `nd` int32 indices picks
 * a slice of the params at flat element sum_j index[j] * stride[j]; a slice reaching outside
 * the params fails the kernel before anything is written (TFLM's bound is the flat size). */
#ifndef TINYC_GATHER_ND_H
#define TINYC_GATHER_ND_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYC_GATHER_ND_MAX 5

typedef struct {
    int32_t n_slices;
    int32_t nd;                                  /* indices per row, 1..TINYC_GATHER_ND_MAX */
    int32_t stride[TINYC_GATHER_ND_MAX];         /* elements per step of each indexed dim */
    int32_t slice_elems, params_elems;
    int32_t elem_bytes;
} tinyc_gather_nd_params;

int tinyc_gather_nd(const tinyc_gather_nd_params *p, const void *params, const int32_t *indices,
                    void *output);

#ifdef __cplusplus
}
#endif

#endif
