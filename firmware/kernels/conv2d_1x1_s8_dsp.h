/* CONV_2D with a 1x1 filter and no padding, for cores with the DSP extension.
 *
 * A GEMM straight from the NHWC input (no im2col): two output pixels by two output channels per
 * inner iteration, four input channels at a time, input and weight bytes widened with SXTB16
 * (bytes 0,2) and SXTB16 ROR 8 (bytes 1,3) so one SMLAD multiplies matching channel pairs.
 * The input offset is folded into the bias at compile time, so no offset is added per tap. */
#ifndef TINYC_CONV2D_1X1_S8_DSP_H
#define TINYC_CONV2D_1X1_S8_DSP_H

#include "conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* filter_relaid: per pair of output channels (o, o+1), for every 4 input channels the 4 bytes of
 * o then the 4 bytes of o+1, then the C % 4 tail channels as (o, o+1) byte pairs; a last odd
 * channel's C bytes as in the model. Exactly the order the loops read (tinyc/backends/native/
 * ops/conv2d_dsp.py: relaid_1x1). Requires filter 1x1, no padding, no groups; any stride. */
int tinyc_conv2d_1x1_s8_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                            const int8_t *filter_relaid, const int32_t *bias_folded,
                            int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
