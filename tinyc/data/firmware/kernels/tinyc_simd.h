/* The Armv7E-M / Armv8-M DSP extension's SIMD instructions, as used by tinyc's DSP kernels.
 *
 * On a core with the extension (__ARM_FEATURE_DSP) each helper is one instruction from
 * <arm_acle.h>; elsewhere (the host) it is the same arithmetic in portable C, so the DSP
 * kernels can be swept against TFLM on the host under sanitizers and then run unchanged on
 * the board. The kernels never test the feature themselves. */
#ifndef TINYC_SIMD_H
#define TINYC_SIMD_H

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define TINYC_SIMD_NATIVE 1
#else
#define TINYC_SIMD_NATIVE 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Unaligned 32-bit load/store (LDR/STR handle unaligned words on M3 and up). */
static inline int32_t tinyc_read_s32(const void *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void tinyc_write_s32(void *p, int32_t v)
{
    memcpy(p, &v, 4);
}

/* the low and high halfwords of x, sign-extended */
static inline int32_t tinyc_lo16(int32_t x) { return (int16_t)(uint16_t)((uint32_t)x & 0xFFFFu); }
static inline int32_t tinyc_hi16(int32_t x) { return (int16_t)(uint16_t)((uint32_t)x >> 16); }

#if TINYC_SIMD_NATIVE

/* acc + lo16(a)*lo16(b) + hi16(a)*hi16(b) */
static inline int32_t tinyc_smlad(int32_t a, int32_t b, int32_t acc)
{
    return (int32_t)__smlad((int16x2_t)a, (int16x2_t)b, acc);
}

/* bytes 0 and 2 of x, sign-extended into two halfwords */
static inline int32_t tinyc_sxtb16(int32_t x)
{
    return (int32_t)__sxtb16((int8x4_t)x);
}

/* bytes 1 and 3 of x, sign-extended into two halfwords (SXTB16 with ROR #8) */
static inline int32_t tinyc_sxtb16_ror8(int32_t x)
{
    int32_t r;   /* one instruction: GCC does not fold a rotate into SXTB16 itself */
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

/* a + bytes 0 and 2 of b sign-extended, per halfword */
static inline int32_t tinyc_sxtab16(int32_t a, int32_t b)
{
    return (int32_t)__sxtab16((int16x2_t)a, (int8x4_t)b);
}

/* a + bytes 1 and 3 of b sign-extended, per halfword (SXTAB16 with ROR 8) */
static inline int32_t tinyc_sxtab16_ror8(int32_t a, int32_t b)
{
    int32_t r;   /* one instruction, as tinyc_sxtb16_ror8 */
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* two 16-bit halves added (SADD16) */
static inline int32_t tinyc_sadd16(int32_t a, int32_t b)
{
    return (int32_t)__sadd16((int16x2_t)a, (int16x2_t)b);
}

/* x saturated to [-128, 127] (SSAT #8) */
static inline int32_t tinyc_ssat8(int32_t x)
{
    return (int32_t)__ssat(x, 8);
}

/* acc + lo16(a)*lo16(b) (SMLABB) */
static inline int32_t tinyc_smlabb(int32_t a, int32_t b, int32_t acc)
{
    return (int32_t)__smlabb(a, b, acc);
}

/* acc + lo16(a)*hi16(b) (SMLABT) */
static inline int32_t tinyc_smlabt(int32_t a, int32_t b, int32_t acc)
{
    return (int32_t)__smlabt(a, b, acc);
}

/* acc + hi16(a)*hi16(b) (SMLATT) */
static inline int32_t tinyc_smlatt(int32_t a, int32_t b, int32_t acc)
{
    return (int32_t)__smlatt(a, b, acc);
}

/* the high word of a*b rounded: (a*b + 2^31) >> 32 (SMMULR) */
static inline int32_t tinyc_smmulr(int32_t a, int32_t b)
{
    int32_t r;   /* ACLE has no intrinsic for it */
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

#else


static inline int32_t tinyc_pack16(int32_t lo, int32_t hi)
{
    return (int32_t)(((uint32_t)(uint16_t)lo) | ((uint32_t)(uint16_t)hi << 16));
}

static inline int32_t tinyc_smlad(int32_t a, int32_t b, int32_t acc)
{
    /* SMLAD wraps modulo 2^32 (it only sets Q on overflow) */
    const int64_t sum = (int64_t)acc + (int64_t)tinyc_lo16(a) * tinyc_lo16(b)
                        + (int64_t)tinyc_hi16(a) * tinyc_hi16(b);
    return (int32_t)(uint32_t)(uint64_t)sum;
}

static inline int32_t tinyc_sxtb16(int32_t x)
{
    const uint32_t u = (uint32_t)x;
    return tinyc_pack16((int8_t)(uint8_t)(u & 0xFFu), (int8_t)(uint8_t)((u >> 16) & 0xFFu));
}

static inline int32_t tinyc_sxtb16_ror8(int32_t x)
{
    const uint32_t u = (uint32_t)x;
    return tinyc_pack16((int8_t)(uint8_t)((u >> 8) & 0xFFu), (int8_t)(uint8_t)(u >> 24));
}

static inline int32_t tinyc_sxtab16(int32_t a, int32_t b)
{
    const int32_t e = tinyc_sxtb16(b);
    return tinyc_pack16(tinyc_lo16(a) + tinyc_lo16(e), tinyc_hi16(a) + tinyc_hi16(e));
}

static inline int32_t tinyc_sxtab16_ror8(int32_t a, int32_t b)
{
    const int32_t e = tinyc_sxtb16_ror8(b);
    return tinyc_pack16(tinyc_lo16(a) + tinyc_lo16(e), tinyc_hi16(a) + tinyc_hi16(e));
}

static inline int32_t tinyc_sadd16(int32_t a, int32_t b)
{
    return tinyc_pack16(tinyc_lo16(a) + tinyc_lo16(b), tinyc_hi16(a) + tinyc_hi16(b));
}

static inline int32_t tinyc_ssat8(int32_t x)
{
    return x < -128 ? -128 : (x > 127 ? 127 : x);
}

static inline int32_t tinyc_smlabb(int32_t a, int32_t b, int32_t acc)
{
    /* SMLABB wraps modulo 2^32 (it only sets Q on overflow) */
    return (int32_t)(uint32_t)((int64_t)acc + (int64_t)tinyc_lo16(a) * tinyc_lo16(b));
}

static inline int32_t tinyc_smlabt(int32_t a, int32_t b, int32_t acc)
{
    return (int32_t)(uint32_t)((int64_t)acc + (int64_t)tinyc_lo16(a) * tinyc_hi16(b));
}

static inline int32_t tinyc_smlatt(int32_t a, int32_t b, int32_t acc)
{
    return (int32_t)(uint32_t)((int64_t)acc + (int64_t)tinyc_hi16(a) * tinyc_hi16(b));
}

static inline int32_t tinyc_smmulr(int32_t a, int32_t b)
{
    return (int32_t)(((int64_t)a * b + ((int64_t)1 << 31)) >> 32);
}

#endif

/* in[0..n) -> int16 pairs (x0,x2),(x1,x3) per group of four, the last group zero-padded: the
 * operand order of SMLAD on SXTB16 / SXTB16 ROR 8 halves of four int8 weights. */
static inline void tinyc_widen_interleaved_s8(const int8_t *in, int32_t n, int32_t *dst)
{
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const int32_t v = tinyc_read_s32(in + i);
        *dst++ = tinyc_sxtb16(v);
        *dst++ = tinyc_sxtb16_ror8(v);
    }
    if (i < n) {
        int8_t tail[4] = {0, 0, 0, 0};
        memcpy(tail, in + i, (size_t)(n - i));
        const int32_t v = tinyc_read_s32(tail);
        *dst++ = tinyc_sxtb16(v);
        *dst = tinyc_sxtb16_ror8(v);
    }
}

#ifdef __cplusplus
}
#endif

#endif /* TINYC_SIMD_H */
