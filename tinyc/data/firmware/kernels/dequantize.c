#include "dequantize.h"

int32_t tinyc_dequantize_scratch_size(const tinyc_dequantize_params *p)
{
    (void)p;
    return 0;
}

int tinyc_dequantize_s8_f32(const tinyc_dequantize_params *p, const int8_t *input,
                            float *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        output[i] = (float)(p->scale * (double)((int32_t)input[i] - p->zero_point));
    }
    return TINYC_KERNEL_OK;
}

int tinyc_dequantize_s16_f32(const tinyc_dequantize_params *p, const int16_t *input,
                             float *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        output[i] = (float)(p->scale * (double)((int32_t)input[i] - p->zero_point));
    }
    return TINYC_KERNEL_OK;
}

/* Not a TFLM op (its DEQUANTIZE takes int8/int16): `tinyc export`'s float helper for uint8
 * outputs, with the same arithmetic. */
int tinyc_dequantize_u8_f32(const tinyc_dequantize_params *p, const uint8_t *input,
                            float *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        output[i] = (float)(p->scale * (double)((int32_t)input[i] - p->zero_point));
    }
    return TINYC_KERNEL_OK;
}
