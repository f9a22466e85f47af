#include "quantize.h"

int32_t tinyc_quantize_scratch_size(const void *p)
{
    (void)p;
    return 0;
}

/* round(x / scale) + zero_point saturated to [lo, hi], as TFLM's AffineQuantize computes it:
 * a float division, std::round (half away from zero), then the zero point. Values beyond
 * int32 saturate (TFLM's float -> int32 cast is undefined there). */
static int32_t affine_quantize(float x, float scale, int32_t zero_point, int32_t lo,
                               int32_t hi)
{
    const float q = x / scale;
    if (q != q) {
        return tinyc_clamp_i32(zero_point, lo, hi);   /* NaN */
    }
    if (q >= 2147483520.0f) {
        return hi;
    }
    if (q <= -2147483520.0f) {
        return lo;
    }
    int32_t r;
    if (q >= 8388608.0f || q <= -8388608.0f) {
        r = (int32_t)q;                 /* already an integer */
    } else {
        r = (int32_t)q;                 /* truncated toward zero */
        const float frac = q - (float)r; /* exact for |q| < 2^23 */
        if (frac >= 0.5f) {
            r += 1;
        } else if (frac <= -0.5f) {
            r -= 1;
        }
    }
    const int64_t v = (int64_t)r + zero_point;
    return (int32_t)(v < lo ? lo : (v > hi ? hi : v));
}

int tinyc_quantize_f32_s8(const tinyc_quantize_params *p, const float *input, int8_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        const float x = input[i];
        output[i] = (int8_t)affine_quantize(x, p->scale, p->zero_point, -128, 127);
    }
    return TINYC_KERNEL_OK;
}

/* Not a TFLM op (its QUANTIZE makes uint8 only from int8): the float helper of `tinyc export`
 * for models with uint8 inputs, with the same rounding. */
int tinyc_quantize_f32_u8(const tinyc_quantize_params *p, const float *input, uint8_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        const float x = input[i];
        output[i] = (uint8_t)affine_quantize(x, p->scale, p->zero_point, 0, 255);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_quantize_f32_s16(const tinyc_quantize_params *p, const float *input, int16_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        const float x = input[i];
        output[i] = (int16_t)affine_quantize(x, p->scale, p->zero_point, -32768, 32767);
    }
    return TINYC_KERNEL_OK;
}

static inline int32_t requantize_one(const tinyc_requantize_params *p, int32_t x, int32_t lo,
                                     int32_t hi)
{
    /* int32 inputs and zero points: the subtraction and the addition wrap as TFLM's int32 */
    const int32_t v = tinyc_add_wrap(
        tinyc_requantize(tinyc_add_wrap(x, -p->input_zero_point), p->multiplier, p->shift),
        p->output_zero_point);
    return tinyc_clamp_i32(v, lo, hi);
}

int tinyc_requantize_s16_s8(const tinyc_requantize_params *p, const int16_t *input,
                            int8_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        const int16_t x = input[i];
        output[i] = (int8_t)requantize_one(p, x, -128, 127);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_requantize_s8_s16(const tinyc_requantize_params *p, const int8_t *input,
                            int16_t *output)
{
    /* Output elements are wider than input elements: walk backwards so that in place
     * (output == input) still reads each input before it is overwritten. */
    for (int32_t i = p->size - 1; i >= 0; i--) {
        const int8_t x = input[i];
        output[i] = (int16_t)requantize_one(p, x, -32768, 32767);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_requantize_s16_s16(const tinyc_requantize_params *p, const int16_t *input,
                             int16_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        const int16_t x = input[i];
        output[i] = (int16_t)requantize_one(p, x, -32768, 32767);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_requantize_s32_s16(const tinyc_requantize_params *p, const int32_t *input,
                             int16_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        const int32_t x = input[i];
        output[i] = (int16_t)requantize_one(p, x, -32768, 32767);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_requantize_s16_s32(const tinyc_requantize_params *p, const int16_t *input,
                             int32_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        output[i] = requantize_one(p, input[i], INT32_MIN, INT32_MAX);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_requantize_s32_s8(const tinyc_requantize_params *p, const int32_t *input,
                            int8_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        const int32_t x = input[i];
        output[i] = (int8_t)requantize_one(p, x, -128, 127);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_requantize_s8_s32(const tinyc_requantize_params *p, const int8_t *input,
                            int32_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        output[i] = requantize_one(p, input[i], INT32_MIN, INT32_MAX);
    }
    return TINYC_KERNEL_OK;
}
