#include "add_s8_dsp.h"

/* The loop with the output shift's sign fixed, so requantization has no branch. */
static inline __attribute__((always_inline)) void add_loop(
    const int32_t *restrict t1, const int32_t *restrict t2, const int8_t *restrict in1,
    const int8_t *restrict in2, int8_t *restrict out, int32_t n, int32_t mult, int32_t shift,
    int32_t offset, int32_t lo, int32_t hi)
{
    for (int32_t i = 0; i < n; i++) {
        const int32_t sum = t1[in1[i]] + t2[in2[i]];
        const int32_t q = shift < 0 ? tinyc_requantize_right(sum, mult, -shift)
                                    : tinyc_requantize_left(sum, mult, shift);
        out[i] = (int8_t)tinyc_clamp_i32(q + offset, lo, hi);
    }
}

int tinyc_add_s8_dsp(const tinyc_add_params *p, const int32_t *term1, const int32_t *term2,
                     const int8_t *input1, const int8_t *input2, int8_t *output)
{
    if (p->broadcast) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    /* input1 may be output (in place): element i is read before it is written */
    const int32_t n = p->size, m = p->output_multiplier, s = p->output_shift;
    const int32_t off = p->output_offset, lo = p->act_min, hi = p->act_max;
    if (s < 0) {
        add_loop(term1 + 128, term2 + 128, input1, input2, output, n, m, s, off, lo, hi);
    } else {
        add_loop(term1 + 128, term2 + 128, input1, input2, output, n, m, s, off, lo, hi);
    }
    return TINYC_KERNEL_OK;
}
