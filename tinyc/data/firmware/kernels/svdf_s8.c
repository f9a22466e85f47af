#include "svdf_s8.h"

#if defined(__GNUC__)
#define SVDF_INLINE static inline __attribute__((always_inline))
#else
#define SVDF_INLINE static inline
#endif

/* The input row times one filter's feature weights (the input offset folded into
 * feature_bias at compile time: TFLM's int32 sum, modulo 2^32 alike), requantized into the
 * state's scale and clamped to the state type's range [lo, hi] (before the zero point is
 * added, as TFLM). */
SVDF_INLINE int32_t feature(const tinyc_svdf_params *p, const int8_t *x, int32_t f,
                            int32_t lo, int32_t hi)
{
    const int8_t *w = p->weights_feature + f * p->input_size;
    int32_t acc = p->feature_bias[f];
    for (int32_t c = 0; c < p->input_size; c++) {
        acc += (int32_t)w[c] * (int32_t)x[c];
    }
    return tinyc_clamp_i32(tinyc_requantize(acc, p->feature_multiplier, p->feature_shift), lo, hi);
}

/* TFLM's int32 multiply-accumulate, wrapping (an int16 state minus its zero point times an
 * int16 weight can leave int32 in a long memory) without signed-overflow UB. */
SVDF_INLINE int32_t mac_wrap(int32_t acc, int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)acc + (uint32_t)a * (uint32_t)b);
}

SVDF_INLINE int8_t output_value(const tinyc_svdf_params *p, int32_t acc)
{
    const int32_t y = tinyc_add_wrap(tinyc_requantize(acc, p->output_multiplier, p->output_shift),
                                     p->output_offset);
    return (int8_t)tinyc_clamp_i32(y, INT8_MIN, INT8_MAX);
}

/* Both state types in one loop: `wide` is a constant in each entry point below, so the
 * compiler makes one specialised copy per type. */
SVDF_INLINE int svdf(const tinyc_svdf_params *p, const int8_t *input, const void *weights_time,
                     const int32_t *bias, void *state, int8_t *output, int wide)
{
    const int32_t memory = p->memory, filters = p->units * p->rank;
    const int32_t lo = wide ? INT16_MIN : INT8_MIN, hi = wide ? INT16_MAX : INT8_MAX;
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *x = input + b * p->input_size;
        for (int32_t u = 0; u < p->units; u++) {
            int32_t acc = bias[u];
            for (int32_t r = 0; r < p->rank; r++) {
                const int32_t f = u * p->rank + r;
                const int32_t row = (b * filters + f) * memory;
                /* the zero point added after the clamp wraps in the state type, as TFLM */
                const int32_t v = p->state_zero_point + feature(p, x, f, lo, hi);
                if (wide) {
                    int16_t *s = (int16_t *)state + row;
                    const int16_t *wt = (const int16_t *)weights_time + f * memory;
                    for (int32_t j = 0; j + 1 < memory; j++) {   /* one step older */
                        s[j] = s[j + 1];
                    }
                    s[memory - 1] = (int16_t)v;
                    for (int32_t j = 0; j < memory; j++) {
                        acc = mac_wrap(acc, wt[j], (int32_t)s[j] - p->state_zero_point);
                    }
                } else {
                    int8_t *s = (int8_t *)state + row;
                    const int8_t *wt = (const int8_t *)weights_time + f * memory;
                    for (int32_t j = 0; j + 1 < memory; j++) {
                        s[j] = s[j + 1];
                    }
                    s[memory - 1] = (int8_t)v;
                    for (int32_t j = 0; j < memory; j++) {
                        acc = mac_wrap(acc, wt[j], (int32_t)s[j] - p->state_zero_point);
                    }
                }
            }
            output[b * p->units + u] = output_value(p, acc);
        }
    }
    return TINYC_KERNEL_OK;
}

int tinyc_svdf_s8(const tinyc_svdf_params *p, const int8_t *input, const int8_t *weights_time,
                  const int32_t *bias, int8_t *state, int8_t *output)
{
    return svdf(p, input, weights_time, bias, state, output, 0);
}

int tinyc_svdf_state_s16_s8(const tinyc_svdf_params *p, const int8_t *input,
                            const int16_t *weights_time, const int32_t *bias, int16_t *state,
                            int8_t *output)
{
    return svdf(p, input, weights_time, bias, state, output, 1);
}
