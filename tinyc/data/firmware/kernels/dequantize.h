/* DEQUANTIZE: int8/int16 (and uint8, for export's helpers) -> float32, as TFLM computes it: (float)(scale * (x - zero_point))
 * with the product in double precision. */
#ifndef TINYC_DEQUANTIZE_H
#define TINYC_DEQUANTIZE_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;           /* elements */
    double scale;           /* input scale (a float32 value, held exactly) */
    int32_t zero_point;     /* input zero point */
} tinyc_dequantize_params;

int tinyc_dequantize_s8_f32(const tinyc_dequantize_params *p, const int8_t *input,
                            float *output);
int tinyc_dequantize_s16_f32(const tinyc_dequantize_params *p, const int16_t *input,
                             float *output);
int tinyc_dequantize_u8_f32(const tinyc_dequantize_params *p, const uint8_t *input,
                            float *output);

int32_t tinyc_dequantize_scratch_size(const tinyc_dequantize_params *p);

#ifdef __cplusplus
}
#endif

#endif
