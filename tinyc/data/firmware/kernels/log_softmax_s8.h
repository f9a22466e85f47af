/* LOG_SOFTMAX int8 over the last axis, as TFLM's reference LogSoftmaxQuantized. Every rescaled
 * difference to the row maximum and its exp (Q12) are tabulated at compile time; the sum's
 * log (gemmlowp log_x_for_x_greater_than_or_equal_to_1) runs here. Output scale 16/256 and
 * zero point 127, as TFLM requires. */
#ifndef TINYC_LOG_SOFTMAX_S8_H
#define TINYC_LOG_SOFTMAX_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t outer, depth;
    int32_t diff_min;                    /* differences below it add nothing to the sum */
    const int32_t *diff_q5;              /* [256] rescaled difference, indexed by -diff */
    const int32_t *exp_q12;              /* [256] its exp in Q12, indexed by -diff */
    int32_t reverse_multiplier, reverse_shift;
} tinyc_log_softmax_params;

int tinyc_log_softmax_s8(const tinyc_log_softmax_params *p, const int8_t *input,
                         int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
