#include "log_softmax_s8.h"
#include "tinyc_fixedpoint.h"

#define F0_MUL tinyc_sat_rounding_doubling_high_mul

/* TFLM log_x_for_x_greater_than_or_equal_to_1_impl<5, 12>: the input in Q12, the log in Q5
 * (accumulated in Q6). */
static int32_t log_q5_of_q12(int32_t input)
{
    const int32_t input_integer_bits = 12, accum_bits = 6;
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297, alpha_d = 127690142;
    const int32_t alpha_i = 1057819769, alpha_f = 638450708;
    const int32_t shifted_quarter = tinyc_rounding_divide_by_pot(536870912, accum_bits);

    const int32_t z_a = input;
    const int32_t z_a_headroom_plus_1 = tinyc_clz32((uint32_t)z_a);
    const int32_t r_a_tmp = tinyc_sat_shift_left(z_a, z_a_headroom_plus_1 - 1);
    const int32_t r_a = tinyc_sat_shift_left(F0_MUL(r_a_tmp, sqrt_half), 1);
    const int32_t z_a_pow_2_adj = tinyc_saturating_add(
        tinyc_sat_shift_left(input_integer_bits - z_a_headroom_plus_1, 31 - accum_bits),
        shifted_quarter);

    const int32_t z_b = F0_MUL(z_a, sqrt_half);
    const int32_t z_b_headroom = tinyc_clz32((uint32_t)z_b) - 1;
    const int32_t r_b = tinyc_sat_shift_left(z_a, z_b_headroom);
    const int32_t z_b_pow_2_adj = tinyc_saturating_sub(
        tinyc_sat_shift_left(input_integer_bits - z_b_headroom, 31 - accum_bits),
        shifted_quarter);

    const int32_t r = r_a < r_b ? r_a : r_b;
    const int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;

    const int32_t pp = tinyc_rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = tinyc_wrapping_sub(r, sqrt_sqrt_half);
    q = tinyc_wrapping_add(q, q);
    const int32_t common_sq = F0_MUL(q, q);
    const int32_t num = tinyc_wrapping_add(F0_MUL(q, r), F0_MUL(F0_MUL(q, common_sq), alpha_n));
    const int32_t denom_minus_one = tinyc_wrapping_add(
        F0_MUL(pp, tinyc_wrapping_add(tinyc_wrapping_add(alpha_i, q), F0_MUL(alpha_d, common_sq))),
        F0_MUL(alpha_f, q));
    const int32_t recip_denom = tinyc_one_over_one_plus_x(denom_minus_one);
    const int32_t num_scaled = tinyc_rounding_divide_by_pot(num, accum_bits);
    const int32_t sum = tinyc_wrapping_add(F0_MUL(z_pow_2_adj, log_2),
                                           F0_MUL(num_scaled, recip_denom));
    return tinyc_sat_shift_left(sum, accum_bits - 5);
}

int tinyc_log_softmax_s8(const tinyc_log_softmax_params *p, const int8_t *input,
                         int8_t *output)
{
    for (int32_t o = 0; o < p->outer; o++) {
        const int8_t *in = input + o * p->depth;
        int8_t *out = output + o * p->depth;
        int32_t max_in_row = -128;
        for (int32_t i = 0; i < p->depth; i++) {
            max_in_row = in[i] > max_in_row ? in[i] : max_in_row;
        }
        int32_t sum_q12 = 0;
        for (int32_t i = 0; i < p->depth; i++) {
            const int32_t diff = in[i] - max_in_row;
            if (diff >= p->diff_min) {
                sum_q12 = tinyc_wrapping_add(sum_q12, p->exp_q12[-diff]);
            }
        }
        const int32_t log_sum_q5 = log_q5_of_q12(sum_q12);
        const int32_t adjusted = tinyc_max_i32(
            p->diff_min - 1,
            tinyc_requantize(tinyc_wrapping_add(log_sum_q5, INT32_MIN), p->reverse_multiplier,
                             p->reverse_shift));
        for (int32_t i = 0; i < p->depth; i++) {
            const int32_t diff = in[i] - max_in_row;
            if (diff > adjusted) {
                const int32_t v = tinyc_rounding_divide_by_pot(
                                      tinyc_wrapping_sub(p->diff_q5[-diff], log_sum_q5), 22) +
                                  127;
                out[i] = (int8_t)tinyc_clamp_i32(v, -128, 127);
            } else {
                out[i] = -128;
            }
        }
    }
    return TINYC_KERNEL_OK;
}
