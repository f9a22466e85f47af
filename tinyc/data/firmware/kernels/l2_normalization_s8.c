#include "l2_normalization_s8.h"
#include "tinyc_fixedpoint.h"

/* TFLM GetInvSqrtQuantizedMultiplierExp(x, kReverseShift = -1): 1/sqrt(x) as a Q31 multiplier
 * and a left shift; the Newton iteration runs in gemmlowp FixedPoint<int32, 3>. */
static void inv_sqrt(int32_t x, int32_t *multiplier, int32_t *shift)
{
    if (x <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    int32_t s = 11;
    while (x >= (1 << 29)) {
        x /= 4;
        s++;
    }
    const int32_t pairs = (tinyc_clz32((uint32_t)x) - 1) / 2 - 1;
    s -= pairs;
    x <<= 2 * pairs;
    const int32_t half_input = tinyc_rounding_divide_by_pot(x >> 1, 1);
    const int32_t half_three = (1 << 28) + (1 << 27);
    int32_t r = 1 << 28;                                    /* F3 one */
    for (int i = 0; i < 5; i++) {
        const int32_t r3 = tinyc_sat_shift_left(tinyc_sat_rounding_doubling_high_mul(
            tinyc_sat_rounding_doubling_high_mul(r, r), r), 6);
        const uint32_t d = (uint32_t)tinyc_sat_rounding_doubling_high_mul(half_three, r) -
                           (uint32_t)tinyc_sat_rounding_doubling_high_mul(half_input, r3);
        r = tinyc_sat_shift_left((int32_t)d, 3);
    }
    r = tinyc_sat_rounding_doubling_high_mul(r, 1518500250);   /* * sqrt(2) / 2 */
    if (s < 0) {
        r = (int32_t)((uint32_t)r << -s);
        s = 0;
    }
    *multiplier = r;
    *shift = -s;
}

int tinyc_l2_normalization_s8(const tinyc_l2_normalization_params *p, const int8_t *input,
                              int8_t *output)
{
    for (int32_t o = 0; o < p->outer; o++) {
        const int8_t *in = input + o * p->depth;
        int8_t *out = output + o * p->depth;
        int32_t acc = 0;
        for (int32_t i = 0; i < p->depth; i++) {
            const int32_t v = in[i] - p->input_zero_point;
            acc += v * v;
        }
        int32_t m, s;
        inv_sqrt(acc, &m, &s);
        for (int32_t i = 0; i < p->depth; i++) {
            const int32_t v = tinyc_requantize(in[i] - p->input_zero_point, m, s + 7);
            out[i] = (int8_t)tinyc_clamp_i32(v, -128, 127);
        }
    }
    return TINYC_KERNEL_OK;
}
