/* TRANSPOSE_CONV int8 with per-channel requantization, as TFLM's reference kernel: every input
 * pixel is scattered through the filter into int32 accumulators (the scratch, one per output
 * element, cleared first), then each accumulator gets its bias and is requantized. */
#ifndef TINYC_TRANSPOSE_CONV_S8_H
#define TINYC_TRANSPOSE_CONV_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    tinyc_dims input;        /* n, h, w, c */
    tinyc_dims filter;       /* n = output channels, h, w, c = input channels */
    tinyc_dims output;       /* n, h, w, c */
    int32_t stride_h, stride_w;
    int32_t pad_h, pad_w;    /* TFLM's padding_values, computed from the output size */
    int32_t input_offset;    /* -input zero point */
    int32_t output_offset;   /* output zero point */
    int32_t act_min, act_max;
    tinyc_channel_quant quant;   /* one multiplier and shift per output channel */
} tinyc_transpose_conv_params;

/* bias may be NULL (no bias input). */
int tinyc_transpose_conv_s8(const tinyc_transpose_conv_params *p, tinyc_ctx scratch,
                            const int8_t *input, const int8_t *filter, const int32_t *bias,
                            int8_t *output);

/* Bytes of scratch: one int32 accumulator per output element. */
int32_t tinyc_transpose_conv_s8_scratch_size(const tinyc_transpose_conv_params *p);

#ifdef __cplusplus
}
#endif

#endif
