/* CAST between int8, int16, int32 and float32, as TFLM's cast.cc: each element through C's
 * conversion (integers wrap to the narrower type; floats truncate toward zero, and a float
 * outside int32 has no defined result, in TFLM either). */
#ifndef TINYC_CAST_H
#define TINYC_CAST_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    TINYC_CAST_INT8 = 0,
    TINYC_CAST_INT16 = 1,
    TINYC_CAST_INT32 = 2,
    TINYC_CAST_FLOAT32 = 3,
} tinyc_cast_type;

typedef struct {
    int32_t size;        /* elements */
    int32_t from, to;    /* tinyc_cast_type */
} tinyc_cast_params;

int tinyc_cast(const tinyc_cast_params *p, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif
