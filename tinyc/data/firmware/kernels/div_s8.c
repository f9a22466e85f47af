#include "div_s8.h"

/* gcc's __builtin_clrsb, portably: leading bits equal to the sign bit, minus one. */
static int32_t leading_sign_bits(int32_t x)
{
    const uint32_t u = x < 0 ? ~(uint32_t)x : (uint32_t)x;
    int32_t n = 0;
    while (n < 32 && !(u & (0x80000000u >> n))) {
        n++;
    }
    return n - 1;
}

/* gemmlowp's RoundingDivideByPOT as the TFLM reference computes it when the exponent reaches
 * 32 or more (a dividend of 0 or 1 divided by a large divisor): the mask is built in 64 bits
 * and the int32 shift, undefined in C++, takes its count modulo 32 as x86 does. Below 32 this
 * is the ordinary rounding shift. */
static int32_t rounding_divide_by_pot_wide(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(uint32_t)(((uint64_t)1 << exponent) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> (exponent & 31)) + (remainder > threshold ? 1 : 0);
}

/* Returns 0 for a zero divisor. */
static int div_one(const tinyc_div_params *p, int8_t a, int8_t b, int8_t *out)
{
    int32_t v1 = p->input1_offset + a;
    int32_t v2 = p->input2_offset + b;
    if (v2 == 0) {
        return 0;
    }
    if (v2 < 0) {
        v1 = -v1;
        v2 = -v2;
    }
    const int32_t headroom = leading_sign_bits(v1);
    const int32_t quotient = tinyc_sat_rounding_doubling_high_mul(
        (int32_t)((uint32_t)v1 << headroom), p->recip[v2]);
    const int32_t total_shift = p->output_shift - p->recip_shift[v2] - headroom;
    const int32_t r = rounding_divide_by_pot_wide(
        tinyc_sat_rounding_doubling_high_mul(quotient, p->output_multiplier), -total_shift);
    *out = (int8_t)tinyc_clamp_i32(r + p->output_offset, p->act_min, p->act_max);
    return 1;
}

int tinyc_div_s8(const tinyc_div_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    if (!p->broadcast) {
        for (int32_t i = 0; i < p->size; i++) {
            if (!div_one(p, in1[i], in2[i], &out[i])) {
                return TINYC_KERNEL_BAD_PARAMS;
            }
        }
        return TINYC_KERNEL_OK;
    }
    const tinyc_broadcast *b = &p->bc;
    const int32_t inner = b->dims[TINYC_BROADCAST_DIMS - 1];
    const int32_t s1 = b->stride1[TINYC_BROADCAST_DIMS - 1];
    const int32_t s2 = b->stride2[TINYC_BROADCAST_DIMS - 1];
    if (inner <= 0) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t rows = p->size / inner;
    for (int32_t r = 0; r < rows; r++) {
        int32_t o1, o2;
        tinyc_broadcast_row(b, r, &o1, &o2);
        int8_t *o = out + r * inner;
        for (int32_t j = 0; j < inner; j++) {
            if (!div_one(p, in1[o1 + j * s1], in2[o2 + j * s2], &o[j])) {
                return TINYC_KERNEL_BAD_PARAMS;
            }
        }
    }
    return TINYC_KERNEL_OK;
}
