/* DEPTHWISE_CONV_2D, int8, for cores with the DSP extension.
 *
 * Four channels per pass: one 32-bit load brings the input bytes of four channels, SXTB16
 * splits them into (c0,c2) and (c1,c3) halfword pairs, and SMLABB/SMLATT multiply them by
 * weights the compiler has already widened and laid out as [channel group][tap][c0,c2,c1,c3]
 * int16 (tinyc/backends/native/ops/depthwise_conv2d_dsp.py). Taps in the padding read a row of
 * input zero points from scratch (TFLM skips them; the folded bias counts every tap).
 *
 * tinyc_depthwise_conv2d_s8_dsp_3x3: 3x3, stride 1 or 2, padding <= 1, no dilation (the taps
 *   fully unrolled); tinyc_depthwise_conv2d_s8_dsp: any filter up to
 *   TINYC_DW_DSP_MAX_TAPS taps, stride, dilation and padding (both depth multiplier 1);
 * tinyc_depthwise_conv2d_s8_dsp_mult: depth multiplier a multiple of 4 (a first layer made
 *   from a one-channel input): four output channels share one input byte (SMLABB/SMLABT).
 */
#ifndef TINYC_DEPTHWISE_CONV2D_S8_DSP_H
#define TINYC_DEPTHWISE_CONV2D_S8_DSP_H

#include "depthwise_conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYC_DW_DSP_MAX_TAPS 64

/* Every entry has this signature; the compiler calls one flavour of each: the bare name
 * requantizes with p->quant (rq unused), _rq with rq (per output channel, precomputed for
 * right shifts >= 2: tinyc_requantize_r2), _rq_sat also saturates instead of clamping (the
 * activation range is all of int8). */
#define TINYC_DW_DSP_ENTRY(name)                                                             \
    int name(const tinyc_depthwise_conv2d_params *p, tinyc_ctx scratch, const int8_t *input, \
             const int16_t *filter_grouped, const int32_t *bias_folded,                      \
             const tinyc_requant_r2 *rq, int8_t *output)
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_rq);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_rq_sat);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_rq);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_rq_sat);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_mult);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_mult_rq);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_mult_rq_sat);

/* ceil4(input channels) bytes: the zero-point row padding taps read. */
int32_t tinyc_depthwise_conv2d_s8_dsp_scratch_size(const tinyc_depthwise_conv2d_params *p);

#ifdef __cplusplus
}
#endif

#endif
