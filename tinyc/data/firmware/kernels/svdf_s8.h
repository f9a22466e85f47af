/* SVDF int8, as TFLM's reference integer SVDF (svdf_common.cc): per invoke and batch, each
 * filter's row of the state [memory] moves one step left, its newest slot takes the
 * requantized dot product of the input and the filter's feature weights, and the dot product
 * of the row (minus the state zero point) with the filter's time weights is summed over the
 * `rank` filters of a unit, with the bias, and requantized to int8. TFLM clamps the output to
 * int8 only: its integer SVDF does not apply the fused activation, and neither does this.
 *
 * Two state types, as TFLM: int8 state and time weights (tinyc_svdf_s8), int16 state and
 * time weights (tinyc_svdf_state_s16_s8). No scratch: the filters of a unit are reduced as
 * they are computed (TFLM's int32 scratch sums, wrapping alike). */
#ifndef TINYC_SVDF_S8_H
#define TINYC_SVDF_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t batches, input_size, units, rank, memory;   /* filters = units * rank */
    const int8_t *weights_feature;          /* [filters][input_size] */
    const int32_t *feature_bias;            /* [filters]: -input zero point x sum of the row */
    int32_t state_zero_point;
    int32_t output_offset;                  /* output zero point */
    int32_t feature_multiplier, feature_shift;   /* input x weights_feature -> state */
    int32_t output_multiplier, output_shift;     /* state x weights_time -> output */
} tinyc_svdf_params;

/* state: [batches][units * rank][memory], kept from one invoke to the next. */
int tinyc_svdf_s8(const tinyc_svdf_params *p, const int8_t *input, const int8_t *weights_time,
                  const int32_t *bias, int8_t *state, int8_t *output);

int tinyc_svdf_state_s16_s8(const tinyc_svdf_params *p, const int8_t *input,
                            const int16_t *weights_time, const int32_t *bias, int16_t *state,
                            int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
