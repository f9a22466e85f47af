/* ADD and SUB int16, as TFLM's reference Add (pot_scale false, the path TFLM micro always
 * takes) and Sub for int16: the int8 arithmetic with left_shift 15, any zero points, with
 * broadcasting. */
#ifndef TINYC_ADD_S16_H
#define TINYC_ADD_S16_H

#include "add_sub_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Safe in place over input 1 when it has the output's shape. */
int tinyc_add_s16(const tinyc_add_params *p, const int16_t *input1, const int16_t *input2,
                  int16_t *output);

int tinyc_sub_s16(const tinyc_add_params *p, const int16_t *input1, const int16_t *input2,
                  int16_t *output);

int32_t tinyc_add_s16_scratch_size(const tinyc_add_params *p);
int32_t tinyc_sub_s16_scratch_size(const tinyc_add_params *p);

#ifdef __cplusplus
}
#endif

#endif
