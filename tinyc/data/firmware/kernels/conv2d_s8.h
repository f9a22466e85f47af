/* CONV_2D, int8 activations and weights, int32 bias, per-channel requantization.
 *
 * Portable reference kernel. Optimised variants (1x1, im2col, DSP) live in their own files
 * with the same signature and a scratch-size twin; the compiler picks one in Python. */
#ifndef TINYC_CONV2D_S8_H
#define TINYC_CONV2D_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    tinyc_dims input;        /* n, h, w, c */
    tinyc_dims filter;       /* n = output channels, h, w, c = input channels per group */
    tinyc_dims output;       /* n, h, w, c */
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_h, pad_w;    /* top and left padding (TFLM's padding_values) */
    int32_t input_offset;    /* -input zero point */
    int32_t output_offset;   /* output zero point */
    int32_t act_min, act_max;
    tinyc_channel_quant quant;   /* one multiplier and shift per output channel */
} tinyc_conv2d_params;

/* bias_folded[o] = bias[o] + input_offset * sum(filter[o]) over all taps, computed at compile
 * time; taps in the padding then read the input zero point, which makes the sum exact. */
int tinyc_conv2d_s8(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                    const int8_t *filter, const int32_t *bias_folded, int8_t *output);

int32_t tinyc_conv2d_s8_scratch_size(const tinyc_conv2d_params *p);

#ifdef __cplusplus
}
#endif

#endif
