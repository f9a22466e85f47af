/* Strided copy of an N-d block of elements: the one kernel behind TRANSPOSE, STRIDED_SLICE,
 * a RESHAPE the planner could not alias, and the body of PAD.
 *
 * The compiler describes the copy as an affine map, merged and simplified in Python:
 *   dst[dst_base + sum_k i_k * dst_stride[k]] = src[src_base + sum_k i_k * src_stride[k]]
 * for 0 <= i_k < dims[k], all in bytes, then `run_bytes` contiguous bytes at each point. */
#ifndef TINYC_COPY_ND_H
#define TINYC_COPY_ND_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYC_COPY_MAX_DIMS 6

typedef struct {
    int32_t ndim;                              /* 0..TINYC_COPY_MAX_DIMS */
    int32_t dims[TINYC_COPY_MAX_DIMS];
    int32_t src_stride[TINYC_COPY_MAX_DIMS];   /* bytes; may be negative */
    int32_t dst_stride[TINYC_COPY_MAX_DIMS];   /* bytes */
    int32_t src_base, dst_base;                /* bytes */
    int32_t run_bytes;                         /* contiguous bytes copied at each point */
} tinyc_copy_nd_params;

int tinyc_copy_nd(const tinyc_copy_nd_params *p, const void *src, void *dst);

#ifdef __cplusplus
}
#endif

#endif
