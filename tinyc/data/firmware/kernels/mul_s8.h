/* MUL, int8, with broadcasting: TFLM's reference arithmetic
 * ((x1 + off1) * (x2 + off2) requantized once to the output, then clamped). */
#ifndef TINYC_MUL_S8_H
#define TINYC_MUL_S8_H

#include "broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;                 /* output elements */
    int32_t input1_offset;        /* -zero point of input 1 */
    int32_t input2_offset;        /* -zero point of input 2 */
    int32_t output_offset;        /* output zero point */
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
    int32_t broadcast;            /* 0: same shapes, flat loop; 1: use bc */
    tinyc_broadcast bc;
} tinyc_mul_params;

/* Safe in place (output == input1) when input 1 has the output's shape. */
int tinyc_mul_s8(const tinyc_mul_params *p, const int8_t *input1, const int8_t *input2,
                 int8_t *output);

int32_t tinyc_mul_s8_scratch_size(const tinyc_mul_params *p);

#ifdef __cplusplus
}
#endif

#endif
