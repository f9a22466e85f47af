/* RSQRT int8: a 256-entry table computed at compile time with TFLM's integer arithmetic.
 * TFLM fails the invoke when an input is below the input zero point (a negative real value);
 * so does this kernel, before writing anything. */
#ifndef TINYC_RSQRT_S8_H
#define TINYC_RSQRT_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;
    int32_t min_input;           /* the input zero point */
    const int8_t *table;         /* [256], indexed by x + 128 */
} tinyc_rsqrt_params;

int tinyc_rsqrt_s8(const tinyc_rsqrt_params *p, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
