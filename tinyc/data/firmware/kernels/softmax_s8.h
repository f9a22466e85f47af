/* SOFTMAX, int8 in, int8 out (zero point -128, scale 1/256) or int16 out (zero point -32768,
 * scale 1/65536), TFLM's fixed-point reference.
 *
 * In a row, input_diff = x - max lies in [-255, 0], so exp(beta * scale * diff) in Q0.31 is
 * a table indexed by -diff, computed at compile time with TFLM's gemmlowp arithmetic
 * (tinyc/backends/native/fixedpoint.py). Diffs beyond the table (below TFLM's diff_min)
 * contribute nothing and output -128. The sum and its reciprocal are computed here, as TFLM
 * does. Safe in place (output == input). */
#ifndef TINYC_SOFTMAX_S8_H
#define TINYC_SOFTMAX_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t outer;             /* rows */
    int32_t depth;             /* elements per row (last dimension) */
    int32_t exp_size;          /* entries in exp_table: diffs 0 .. -(exp_size - 1) count */
    const int32_t *exp_table;  /* exp_table[-diff] = exp_on_negative_values(rescaled diff) */
} tinyc_softmax_params;

int tinyc_softmax_s8(const tinyc_softmax_params *p, const int8_t *input, int8_t *output);

/* int8 in, int16 out (zero point -32768, scale 1/65536): the same rows, 16 output bits. Not
 * in place (the output is wider). */
int tinyc_softmax_s8_s16(const tinyc_softmax_params *p, const int8_t *input, int16_t *output);

int32_t tinyc_softmax_s8_scratch_size(const tinyc_softmax_params *p);

#ifdef __cplusplus
}
#endif

#endif
