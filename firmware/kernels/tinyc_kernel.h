/* Shared types and fixed-point helpers for tinyc's kernels.
 *
 * Requantization follows TFLM's reference kernels exactly (gemmlowp style, double
 * rounding): a saturating rounding doubling high multiply, then a rounding right shift.
 * Every multiplier/shift is computed at compile time by tinyc (tinyc/backends/native/quant.py). */
#ifndef TINYC_KERNEL_H
#define TINYC_KERNEL_H

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    TINYC_KERNEL_OK = 0,
    TINYC_KERNEL_BAD_SCRATCH = 2,   /* scratch smaller than the *_scratch_size twin asked for */
    TINYC_KERNEL_BAD_PARAMS = 3,
} tinyc_kernel_status;

/* Scratch memory given to a kernel by the generated code (placed by the planner). */
typedef struct {
    void *buf;
    int32_t size;
} tinyc_ctx;

/* NHWC dimensions. */
typedef struct {
    int32_t n, h, w, c;
} tinyc_dims;

/* One requantization per output channel (per-tensor: arrays of length 1 and per_channel 0). */
typedef struct {
    const int32_t *multiplier;
    const int32_t *shift;
} tinyc_channel_quant;

static inline int32_t tinyc_max_i32(int32_t a, int32_t b) { return a > b ? a : b; }
static inline int32_t tinyc_min_i32(int32_t a, int32_t b) { return a < b ? a : b; }
static inline int32_t tinyc_clamp_i32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

static inline int32_t tinyc_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) {
        return INT32_MAX;
    }
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

static inline int32_t tinyc_rounding_divide_by_pot(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLM MultiplyByQuantizedMultiplier: x * multiplier * 2^shift, multiplier in Q31. */
static inline int32_t tinyc_requantize(int32_t x, int32_t multiplier, int32_t shift)
{
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    /* Wrap like TFLM's int32 multiply, without signed-overflow UB. */
    const int32_t shifted = (int32_t)((uint32_t)x << left);
    return tinyc_rounding_divide_by_pot(tinyc_sat_rounding_doubling_high_mul(shifted, multiplier),
                                        right);
}

/* TFLM MultiplyByQuantizedMultiplier(int64_t x, ...), the int16x8 kernels' requantization of
 * 64-bit accumulators: the multiplier rounded to Q15, one rounding shift. */
static inline int32_t tinyc_requantize_i64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int total_shift = 15 - shift;
    const int64_t r = x * (int64_t)reduced + ((int64_t)1 << (total_shift - 1));
    return (int32_t)(r >> total_shift);
}

/* tinyc_requantize with the same double rounding in fewer instructions (one SMLAL instead of
 * a 64-bit sign test and fix-up): floor((ab + 2^30) / 2^31) equals TFLM's nudged truncating
 * division for every ab, and the saturating case (a == b == INT32_MIN) cannot occur because
 * compile-time multipliers are non-negative. Bit-exact with tinyc_requantize for mult >= 0. */
/* The same with the shift split at compile time into left = max(shift, 0), right = max(-shift, 0)
 * (kernels that keep per-channel constants in one table store these). */
static inline int32_t tinyc_requantize_fast_lr(int32_t x, int32_t multiplier, int32_t left,
                                               int32_t right)
{
    const int64_t ab = (int64_t)(int32_t)((uint32_t)x << left) * multiplier + (1 << 30);
    const int32_t y = (int32_t)(ab >> 31);
    const int32_t mask = (int32_t)((1u << right) - 1u);
    const int32_t threshold = (mask >> 1) + (int32_t)((uint32_t)y >> 31);
    return (y >> right) + ((y & mask) > threshold ? 1 : 0);
}

static inline int32_t tinyc_requantize_fast(int32_t x, int32_t multiplier, int32_t shift)
{
    return tinyc_requantize_fast_lr(x, multiplier, shift > 0 ? shift : 0, shift > 0 ? 0 : -shift);
}

#ifdef __cplusplus
}
#endif

#endif /* TINYC_KERNEL_H */
