/* DIV int8 with broadcasting, as TFLM's reference DivElementwise: the divisor's reciprocal
 * (GetReciprocal, a fixed-point Newton iteration) is looked up in a table computed at compile
 * time for every possible |divisor - zero point|; the rest is TFLM's integer arithmetic. A zero
 * divisor fails the kernel (TFLM leaves it undefined). */
#ifndef TINYC_DIV_S8_H
#define TINYC_DIV_S8_H

#include "broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;                /* output elements */
    int32_t input1_offset, input2_offset, output_offset;
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
    const int32_t *recip;        /* [256] GetReciprocal(v, 31) for v = 0..255 (0 unused) */
    const int32_t *recip_shift;  /* [256] its num_bits_over_unit */
    int32_t broadcast;           /* 0: same shapes, one flat loop */
    tinyc_broadcast bc;
} tinyc_div_params;

int tinyc_div_s8(const tinyc_div_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#ifdef __cplusplus
}
#endif

#endif
