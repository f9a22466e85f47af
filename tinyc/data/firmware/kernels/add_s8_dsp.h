/* ADD, int8, same shapes, for the cores that take tinyc's fast kernels (DSP extension).
 *
 * Each input's rescaled term ((x + offset) << left_shift, requantized to the common scale)
 * depends only on the int8 value, so the compiler tabulates both (256 int32 each, TFLM's
 * arithmetic in tinyc/backends/native/fixedpoint.py); the kernel adds two table entries and
 * requantizes the sum to the output. */
#ifndef TINYC_ADD_S8_DSP_H
#define TINYC_ADD_S8_DSP_H

#include "add_sub_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* term1/term2: [256] indexed by input value + 128. Safe in place (output == input1). */
int tinyc_add_s8_dsp(const tinyc_add_params *p, const int32_t *term1, const int32_t *term2,
                     const int8_t *input1, const int8_t *input2, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
