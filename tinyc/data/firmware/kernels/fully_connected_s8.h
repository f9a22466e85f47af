#ifndef TINYC_FULLY_CONNECTED_S8_H
#define TINYC_FULLY_CONNECTED_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t batches;
    int32_t in_features;
    int32_t out_features;
    int32_t input_offset;    /* -input zero point */
    int32_t output_offset;   /* output zero point */
    int32_t act_min, act_max;
    int32_t per_channel;     /* 1: multiplier/shift per output feature, 0: one for all */
    tinyc_channel_quant quant;
} tinyc_fully_connected_params;

/* bias_folded[o] = bias[o] + input_offset * sum_i(weights[o][i]), computed at compile time. */
int tinyc_fully_connected_s8(const tinyc_fully_connected_params *p, const int8_t *input,
                             const int8_t *weights, const int32_t *bias_folded, int8_t *output);

int32_t tinyc_fully_connected_s8_scratch_size(const tinyc_fully_connected_params *p);

#ifdef __cplusplus
}
#endif

#endif
