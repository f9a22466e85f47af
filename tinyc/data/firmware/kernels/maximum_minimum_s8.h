/* MAXIMUM and MINIMUM int8 with broadcasting, as TFLM: the larger (smaller) stored value, with
 * no rescaling (TFLM compares the raw int8 values whatever the quantization). */
#ifndef TINYC_MAXIMUM_MINIMUM_S8_H
#define TINYC_MAXIMUM_MINIMUM_S8_H

#include "broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;                /* output elements */
    int32_t broadcast;           /* 0: same shapes, one flat loop */
    tinyc_broadcast bc;
} tinyc_maximum_minimum_params;

int tinyc_maximum_s8(const tinyc_maximum_minimum_params *p, const int8_t *in1,
                     const int8_t *in2, int8_t *out);
int tinyc_minimum_s8(const tinyc_maximum_minimum_params *p, const int8_t *in1,
                     const int8_t *in2, int8_t *out);

#ifdef __cplusplus
}
#endif

#endif
