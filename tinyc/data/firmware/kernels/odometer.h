/* An odometer over up to 6 dims with element strides: the walk every reduction kernel makes
 * over its kept and its reduced dims. */
#ifndef TINYC_ODOMETER_H
#define TINYC_ODOMETER_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Advance idx over dims, keeping *off = sum idx[k] * stride[k]; returns 0 when it wraps. */
static inline int tinyc_odometer_step(int32_t n, const int32_t *dims, const int32_t *stride,
                                      int32_t *idx, int32_t *off)
{
    for (int32_t k = n - 1; k >= 0; k--) {
        idx[k]++;
        *off += stride[k];
        if (idx[k] < dims[k]) {
            return 1;
        }
        *off -= stride[k] * dims[k];
        idx[k] = 0;
    }
    return 0;
}

#ifdef __cplusplus
}
#endif

#endif
