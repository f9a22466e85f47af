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

/* A zero divisor gives 0 and sets *zero_divisor. */
static inline int8_t div_one(const tinyc_div_params *p, int32_t *zero_divisor, int8_t a,
                             int8_t b)
{
    int32_t v1 = p->input1_offset + a;
    int32_t v2 = p->input2_offset + b;
    if (v2 == 0) {
        *zero_divisor = 1;
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
    return (int8_t)tinyc_clamp_i32(r + p->output_offset, p->act_min, p->act_max);
}

int tinyc_div_s8(const tinyc_div_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    if (!tinyc_broadcast_valid(p->broadcast, &p->bc)) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int32_t zero_divisor = 0;
    TINYC_BROADCAST_EACH(p, in1, in2, out, div_one, p, &zero_divisor);
    return zero_divisor ? TINYC_KERNEL_BAD_PARAMS : TINYC_KERNEL_OK;
}
