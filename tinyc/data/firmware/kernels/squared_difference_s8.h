/* SQUARED_DIFFERENCE int8 with broadcasting, as TFLM: both inputs rescaled to a common scale
 * (left shift 7), the difference squared in int32, then requantized to the output. */
#ifndef TINYC_SQUARED_DIFFERENCE_S8_H
#define TINYC_SQUARED_DIFFERENCE_S8_H

#include "broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;                /* output elements */
    int32_t input1_offset, input2_offset, output_offset;
    int32_t left_shift;
    int32_t input1_multiplier, input1_shift;
    int32_t input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift;
    int32_t broadcast;           /* 0: same shapes, one flat loop */
    tinyc_broadcast bc;
} tinyc_squared_difference_params;

int tinyc_squared_difference_s8(const tinyc_squared_difference_params *p, const int8_t *in1,
                                const int8_t *in2, int8_t *out);

#ifdef __cplusplus
}
#endif

#endif
