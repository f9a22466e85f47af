/* ADD and SUB, int8, with broadcasting: TFLM's reference arithmetic (inputs shifted left by
 * left_shift, rescaled to a common scale, summed, then requantized to the output). */
#ifndef TINYC_ADD_SUB_S8_H
#define TINYC_ADD_SUB_S8_H

#include "broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;                 /* output elements */
    int32_t input1_offset;        /* -zero point of input 1 */
    int32_t input2_offset;        /* -zero point of input 2 */
    int32_t output_offset;        /* output zero point */
    int32_t left_shift;           /* 20 for int8 */
    int32_t input1_multiplier, input1_shift;   /* shifts <= 0 */
    int32_t input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
    int32_t broadcast;            /* 0: same shapes, flat loop; 1: use bc */
    tinyc_broadcast bc;
} tinyc_add_params;

/* Both are safe in place (output == input1) when input 1 has the output's shape. */
int tinyc_add_s8(const tinyc_add_params *p, const int8_t *input1, const int8_t *input2,
                 int8_t *output);
int tinyc_sub_s8(const tinyc_add_params *p, const int8_t *input1, const int8_t *input2,
                 int8_t *output);

int32_t tinyc_add_s8_scratch_size(const tinyc_add_params *p);
int32_t tinyc_sub_s8_scratch_size(const tinyc_add_params *p);

#ifdef __cplusplus
}
#endif

#endif
