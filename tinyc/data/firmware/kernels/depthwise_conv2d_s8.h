/* DEPTHWISE_CONV_2D, int8, any depth multiplier, per-channel requantization.
 *
 * Portable reference kernel; optimised variants go in their own files with the same
 * signature and scratch-size twin, chosen by the compiler in Python. */
#ifndef TINYC_DEPTHWISE_CONV2D_S8_H
#define TINYC_DEPTHWISE_CONV2D_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    tinyc_dims input;        /* n, h, w, c */
    tinyc_dims filter;       /* 1, h, w, c = output channels */
    tinyc_dims output;       /* n, h, w, c = input channels * depth_multiplier */
    int32_t depth_multiplier;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_h, pad_w;
    int32_t input_offset;    /* -input zero point */
    int32_t output_offset;   /* output zero point */
    int32_t act_min, act_max;
    tinyc_channel_quant quant;   /* one multiplier and shift per output channel */
} tinyc_depthwise_conv2d_params;

/* bias_folded[o] = bias[o] + input_offset * sum over taps of filter[.., o] (compile time). */
int tinyc_depthwise_conv2d_s8(const tinyc_depthwise_conv2d_params *p, tinyc_ctx scratch,
                              const int8_t *input, const int8_t *filter,
                              const int32_t *bias_folded, int8_t *output);

int32_t tinyc_depthwise_conv2d_s8_scratch_size(const tinyc_depthwise_conv2d_params *p);

#ifdef __cplusplus
}
#endif

#endif
