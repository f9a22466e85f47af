/* PRELU int8 with a broadcast alpha, as TFLM's BroadcastPrelu4DSlow: non-negative inputs are
 * rescaled to the output, negative ones multiplied by alpha first (two multipliers). */
#ifndef TINYC_PRELU_S8_H
#define TINYC_PRELU_S8_H

#include "broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;                /* output elements */
    int32_t input_offset, alpha_offset, output_offset;
    int32_t multiplier_pos, shift_pos;   /* input_scale / output_scale */
    int32_t multiplier_neg, shift_neg;   /* input_scale * alpha_scale / output_scale */
    int32_t broadcast;           /* 0: same shapes, one flat loop */
    tinyc_broadcast bc;          /* stride1: input, stride2: alpha */
} tinyc_prelu_params;

int tinyc_prelu_s8(const tinyc_prelu_params *p, const int8_t *input, const int8_t *alpha,
                   int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
