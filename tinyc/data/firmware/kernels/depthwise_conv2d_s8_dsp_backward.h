/* DEPTHWISE_CONV_2D int8 on cores with the DSP extension, run from the last output byte to
 * the first.
 *
 * The arithmetic of depthwise_conv2d_s8_dsp.c (depth multiplier 1, the same re-laid weights
 * and requantization table) in the reverse order: output pixels from the last, in each pixel
 * the tail channels and then the groups of four from the last. So the output may be planned
 * partly above its own input (the planner's contract: channel_group_overlap_above in
 * tinyc/backends/native/access_order.py). */
#ifndef TINYC_DEPTHWISE_CONV2D_S8_DSP_BACKWARD_H
#define TINYC_DEPTHWISE_CONV2D_S8_DSP_BACKWARD_H

#include "depthwise_conv2d_s8_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_backward);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_backward_rq);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_3x3_backward_rq_sat);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_backward);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_backward_rq);
TINYC_DW_DSP_ENTRY(tinyc_depthwise_conv2d_s8_dsp_backward_rq_sat);

#ifdef __cplusplus
}
#endif

#endif
