/* CONV_2D with a 1x1 filter and mostly-zero weights: only the non-zero taps are stored and
 * multiplied (a zero weight adds zero, so the result is the dense one bit for bit). Two output
 * pixels per pass over the taps. Chosen per layer by density at compile time. */
#ifndef TINYC_CONV2D_1X1_S8_SPARSE_DSP_H
#define TINYC_CONV2D_1X1_S8_SPARSE_DSP_H

#include "conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* channels: per output channel {folded bias, multiplier, left shift, right shift}
 * (conv2d_gemm_s8_dsp.h); p->quant is not read. */
/* nz_count[o]: how many non-zero taps output channel o has; nz_taps: for every channel in
 * order, its non-zero taps as (input channel, weight) byte pairs, read sequentially. Requires a
 * 1x1 filter, no padding, no groups and at most 256 input channels; any stride. */
int tinyc_conv2d_1x1_s8_sparse_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                                   const int8_t *input, const int16_t *nz_count,
                                   const uint8_t *nz_taps, const int32_t *channels,
                                   int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
