/* SOFTMAX, int16 -> int16 (TFLM's reference SoftmaxInt16): per row, exp of the rescaled
 * distance to the row's maximum from a 513-entry table, their sum's reciprocal from a second
 * table (1 / (1 + x)), both interpolated as TFLM's LUTLookup. Zero points 0, output scale
 * 2^-15. The exps are kept in the output row, as TFLM does: in place is safe. */
#ifndef TINYC_SOFTMAX_S16_H
#define TINYC_SOFTMAX_S16_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t outer;                        /* rows */
    int32_t depth;                        /* classes per row */
    int32_t input_multiplier, input_shift;  /* input_scale * beta / (10 / 65535) */
    const int16_t *exp_lut;               /* 513 entries: exp on [-10, 0] */
    const int16_t *one_over_one_plus_x_lut;   /* 513 entries: 1 / (1 + x) on [0, 1] */
} tinyc_softmax_s16_params;

int tinyc_softmax_s16(const tinyc_softmax_s16_params *p, const int16_t *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif
