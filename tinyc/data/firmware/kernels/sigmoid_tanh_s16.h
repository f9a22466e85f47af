/* TFLM's int16 sigmoid and tanh (reference_integer_ops::Logistic/Tanh for int16): a 256-entry
 * table of sigmoid(i / 24) in 0.16 (tanh(x) = 2 sigmoid(2x) - 1), interpolated linearly on
 * the input's fractional bits; output Q0.15. The table is computed by tinyc at compile time
 * (tinyc/backends/native/ops/sigmoid_table.py) and passed in. `multiplier` and `shift` are the
 * kernels' input rescale, resolved at compile time (TFLM's power-of-two case 3 << shift
 * included): x * multiplier, rounded right by `shift`. */
#ifndef TINYC_SIGMOID_TANH_S16_H
#define TINYC_SIGMOID_TANH_S16_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline int32_t tinyc_s16_rescale(int16_t x, int32_t multiplier, int32_t shift)
{
    const int32_t round = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    return (x * multiplier + round) >> shift;
}

static inline int16_t tinyc_sigmoid_s16(const uint16_t *table, int16_t x, int32_t multiplier,
                                        int32_t shift)
{
    const int32_t v = tinyc_s16_rescale(x, multiplier, shift);
    const uint32_t a = (uint32_t)(v < 0 ? -v : v);
    const uint32_t uh = a >> 9;
    uint32_t r;
    if (uh >= 255) {
        r = 0x7FFFu << 10;
    } else {
        const uint32_t ua = table[uh], ub = table[uh + 1];
        r = (ua << 9) + (a & 0x1FFu) * (ub - ua);
    }
    r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    return (int16_t)(r >> 10);
}

static inline int16_t tinyc_tanh_s16(const uint16_t *table, int16_t x, int32_t multiplier,
                                     int32_t shift)
{
    const int32_t v = tinyc_s16_rescale(x, multiplier, shift);
    const uint32_t a = (uint32_t)(v < 0 ? -v : v);
    const uint32_t uh = a >> 8;
    int32_t r;
    if (uh >= 255) {
        r = 0xFFFF << 8;
    } else {
        const uint32_t ua = table[uh], ub = table[uh + 1];
        r = (int32_t)((ua << 8) + (a & 0xFFu) * (ub - ua));
    }
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return (int16_t)(r >> 8);
}

#ifdef __cplusplus
}
#endif

#endif
