/* ARG_MAX and ARG_MIN over one axis, int8 input, int32 output, as TFLM: the first index of the
 * largest (smallest) value. */
#ifndef TINYC_ARG_MIN_MAX_S8_H
#define TINYC_ARG_MIN_MAX_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t outer, axis_size, inner;
    int32_t is_max;              /* 1: ARG_MAX, 0: ARG_MIN */
} tinyc_arg_min_max_params;

int tinyc_arg_min_max_s8(const tinyc_arg_min_max_params *p, const int8_t *input,
                         int32_t *output);

#ifdef __cplusplus
}
#endif

#endif
