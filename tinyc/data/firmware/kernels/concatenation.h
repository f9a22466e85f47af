/* CONCATENATION (no requantization: TFLM requires equal scales and zero points for int8). */
#ifndef TINYC_CONCATENATION_H
#define TINYC_CONCATENATION_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t outer;                /* product of the dims before the axis */
    int32_t n_inputs;
    const int32_t *part_bytes;    /* per input: bytes of one outer slice (axis dim * inner) */
    int32_t output_row_bytes;     /* sum of part_bytes */
} tinyc_concatenation_params;

int tinyc_concatenation(const tinyc_concatenation_params *p, const void *const *inputs,
                        void *output);

#ifdef __cplusplus
}
#endif

#endif
