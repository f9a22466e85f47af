/* Broadcasting of binary elementwise ops (ADD, SUB, MUL, DIV, ...), up to 6 dimensions.
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

/* 0 when the params cannot be walked (broadcast with an empty innermost row). */
static inline int tinyc_broadcast_valid(int32_t broadcast, const tinyc_broadcast *b)
{
    return !broadcast || b->dims[TINYC_BROADCAST_DIMS - 1] > 0;
}

/* The loop of every binary elementwise kernel: OUT[k] = ONE(..., a, b) for each output element
 * k in order, a and b the elements of IN1 and IN2 that broadcast to it. The arguments after ONE
 * come first in its call (its params, flags); P has fields size, broadcast and bc and has passed
 * tinyc_broadcast_valid. A macro, not a function taking ONE, so that ONE is inlined into both
 * loops whatever the compiler and element type. */
#define TINYC_BROADCAST_EACH(P, IN1, IN2, OUT, ONE, ...)                                 \
    do {                                                                                 \
        if (!(P)->broadcast) {                                                           \
            for (int32_t bc_i = 0; bc_i < (P)->size; bc_i++) {                           \
                (OUT)[bc_i] = ONE(__VA_ARGS__, (IN1)[bc_i], (IN2)[bc_i]);                \
            }                                                                            \
        } else {                                                                         \
            const tinyc_broadcast *bc_b = &(P)->bc;                                      \
            const int32_t bc_inner = bc_b->dims[TINYC_BROADCAST_DIMS - 1];               \
            const int32_t bc_s1 = bc_b->stride1[TINYC_BROADCAST_DIMS - 1];               \
            const int32_t bc_s2 = bc_b->stride2[TINYC_BROADCAST_DIMS - 1];               \
            const int32_t bc_rows = (P)->size / bc_inner;                                \
            for (int32_t bc_r = 0; bc_r < bc_rows; bc_r++) {                             \
                int32_t bc_o1, bc_o2;                                                    \
                tinyc_broadcast_row(bc_b, bc_r, &bc_o1, &bc_o2);                         \
                for (int32_t bc_j = 0; bc_j < bc_inner; bc_j++) {                        \
                    (OUT)[bc_r * bc_inner + bc_j] = ONE(__VA_ARGS__,                     \
                        (IN1)[bc_o1 + bc_j * bc_s1], (IN2)[bc_o2 + bc_j * bc_s2]);       \
                }                                                                        \
            }                                                                            \
        }                                                                                \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif
