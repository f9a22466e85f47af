/* Broadcasting of binary elementwise ops (ADD, SUB, MUL), up to 6 dimensions.
 *
 * tinyc computes, at compile time, the output shape padded on the left to 6 dimensions
 * (adjacent dimensions merged where possible) and, for each input, the element stride of
 * every dimension (0 where that input is broadcast). The kernels walk the output in order,
 * one innermost row at a time. */
#ifndef TINYC_BROADCAST_H
#define TINYC_BROADCAST_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYC_BROADCAST_DIMS 6

typedef struct {
    int32_t dims[TINYC_BROADCAST_DIMS];      /* output shape */
    int32_t stride1[TINYC_BROADCAST_DIMS];   /* input 1 element strides (0: broadcast) */
    int32_t stride2[TINYC_BROADCAST_DIMS];   /* input 2 element strides (0: broadcast) */
} tinyc_broadcast;

/* Offsets of input 1 and input 2 at the start of output row `row` (rows of dims[5]). */
static inline void tinyc_broadcast_row(const tinyc_broadcast *b, int32_t row, int32_t *off1,
                                       int32_t *off2)
{
    int32_t o1 = 0, o2 = 0;
    for (int k = TINYC_BROADCAST_DIMS - 2; k >= 0; k--) {
        const int32_t i = row % b->dims[k];
        row /= b->dims[k];
        o1 += i * b->stride1[k];
        o2 += i * b->stride2[k];
    }
    *off1 = o1;
    *off2 = o2;
}

#ifdef __cplusplus
}
#endif

#endif
