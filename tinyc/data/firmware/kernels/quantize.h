/* QUANTIZE: float32 -> int8/int16, and uint8 for export's helpers (TFLM AffineQuantize:
 * round half away from zero of x / scale in float, plus zero point, saturated) and int16 <->
 * int8 / int16 -> int16 / int32 <-> int16, int8 requantization (TFLM Requantize). int8 -> int8 and uint8 <-> int8
 * requantization is a 256-entry table (lut_s8.h). */
#ifndef TINYC_QUANTIZE_H
#define TINYC_QUANTIZE_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;           /* elements */
    float scale;            /* output scale */
    int32_t zero_point;     /* output zero point */
} tinyc_quantize_params;

typedef struct {
    int32_t size;           /* elements */
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t multiplier, shift;   /* input scale / output scale */
} tinyc_requantize_params;

/* Safe in place (each output element is written after its input element is read). */
int tinyc_quantize_f32_s8(const tinyc_quantize_params *p, const float *input, int8_t *output);
int tinyc_quantize_f32_s16(const tinyc_quantize_params *p, const float *input, int16_t *output);
int tinyc_quantize_f32_u8(const tinyc_quantize_params *p, const float *input, uint8_t *output);
int tinyc_requantize_s16_s8(const tinyc_requantize_params *p, const int16_t *input,
                            int8_t *output);
int tinyc_requantize_s8_s16(const tinyc_requantize_params *p, const int8_t *input,
                            int16_t *output);
int tinyc_requantize_s16_s16(const tinyc_requantize_params *p, const int16_t *input,
                             int16_t *output);
/* int32 <-> int16/int8 (TFLM's Requantize; not in place: the element sizes differ) */
int tinyc_requantize_s32_s16(const tinyc_requantize_params *p, const int32_t *input,
                             int16_t *output);
int tinyc_requantize_s16_s32(const tinyc_requantize_params *p, const int16_t *input,
                             int32_t *output);
int tinyc_requantize_s32_s8(const tinyc_requantize_params *p, const int32_t *input,
                            int8_t *output);
int tinyc_requantize_s8_s32(const tinyc_requantize_params *p, const int8_t *input,
                            int32_t *output);

int32_t tinyc_quantize_scratch_size(const void *p);

#ifdef __cplusplus
}
#endif

#endif
