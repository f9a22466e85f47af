#include "fully_connected_s8_dsp.h"

#include "tinyc_simd.h"

/* as in depthwise_conv2d_s8_dsp.c: without the first scheduling pass the four accumulators,
 * the two input words and the pointers stay in registers */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-schedule-insns")
#endif

int32_t tinyc_fully_connected_s8_dsp_scratch_size(const tinyc_fully_connected_params *p)
{
    return ((p->in_features + 3) / 4) * 4 * (int32_t)sizeof(int16_t);
}

typedef struct {
    const int32_t *mult, *shift;
    const tinyc_requant_r2 *rq;      /* precomputed at compile time, or NULL */
    int32_t step;                    /* 1 per channel, 0 per tensor */
    int32_t offset, lo, hi;
} out_quant;

/* full_range (constant): the activation range is all of int8, so SSAT replaces the clamp;
 * one_rq (constant): per-tensor table, its one entry kept in registers. */
static inline __attribute__((always_inline)) int8_t requantize_out(
    const out_quant *q, const tinyc_requant_r2 *one, int full_range, int32_t acc, int32_t o)
{
    const int32_t k = o * q->step;
    acc = (one ? tinyc_requantize_r2(acc, one)
               : q->rq ? tinyc_requantize_r2(acc, &q->rq[k])
                       : tinyc_requantize_fast(acc, q->mult[k], q->shift[k])) + q->offset;
    return (int8_t)(full_range ? tinyc_ssat8(acc) : tinyc_clamp_i32(acc, q->lo, q->hi));
}

/* Multiply-accumulate one group of four inputs (x02, x13: widened as SXTB16 gives them) with
 * the four rows' weight words at w. */
#define TINYC_FC_GROUP(x02_, x13_, w)                                       \
    do {                                                                    \
        const int32_t x02 = (x02_), x13 = (x13_);                           \
        const int32_t w0 = (w)[0], w1 = (w)[1], w2 = (w)[2], w3 = (w)[3];   \
        acc0 = tinyc_smlad(tinyc_sxtb16(w0), x02, acc0);                    \
        acc0 = tinyc_smlad(tinyc_sxtb16_ror8(w0), x13, acc0);               \
        acc1 = tinyc_smlad(tinyc_sxtb16(w1), x02, acc1);                    \
        acc1 = tinyc_smlad(tinyc_sxtb16_ror8(w1), x13, acc1);               \
        acc2 = tinyc_smlad(tinyc_sxtb16(w2), x02, acc2);                    \
        acc2 = tinyc_smlad(tinyc_sxtb16_ror8(w2), x13, acc2);               \
        acc3 = tinyc_smlad(tinyc_sxtb16(w3), x02, acc3);                    \
        acc3 = tinyc_smlad(tinyc_sxtb16_ror8(w3), x13, acc3);               \
    } while (0)

/* direct (constant): no scratch; each block of four rows widens the input words it reads (two
 * SXTB16 more per group of four inputs), so every block reads the whole input row and the
 * output may not overlap it (one row); the ragged last group is widened once per row. */
static inline __attribute__((always_inline)) int fully_connected(
    const tinyc_fully_connected_params *p, tinyc_ctx scratch, const int8_t *input,
    const int8_t *weights_blocked, const int32_t *bias_folded, const tinyc_requant_r2 *rq,
    int full_range, int per_tensor_rq, int direct, int8_t *output)
{
    const int32_t n_in = p->in_features, n_out = p->out_features;
    const int32_t groups = (n_in + 3) / 4, full = n_in / 4, ragged = n_in % 4;
    if (!direct && (scratch.size < tinyc_fully_connected_s8_dsp_scratch_size(p) ||
                    scratch.buf == NULL)) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    const tinyc_requant_r2 one_copy = per_tensor_rq ? rq[0] : (tinyc_requant_r2){0, 0, 0};
    const tinyc_requant_r2 *one = per_tensor_rq ? &one_copy : NULL;
    int32_t *x16 = (int32_t *)scratch.buf;
    const out_quant q = {p->quant.multiplier, p->quant.shift, rq, p->per_channel ? 1 : 0,
                         p->output_offset, p->act_min, p->act_max};
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in = input + b * n_in;
        int32_t last[2] = {0, 0};
        if (!direct) {
            tinyc_widen_interleaved_s8(in, n_in, x16);
        } else if (ragged) {
            int8_t tail[4] = {0, 0, 0, 0};
            memcpy(tail, in + full * 4, (size_t)ragged);
            tinyc_widen_interleaved_s8(tail, 4, last);
        }
        int8_t *out = output + b * n_out;
        const int32_t *w = (const int32_t *)(const void *)weights_blocked;
        for (int32_t o = 0; o < n_out; o += 4) {
            const int32_t rows = n_out - o < 4 ? n_out - o : 4;
            int32_t acc0 = bias_folded[o];
            int32_t acc1 = rows > 1 ? bias_folded[o + 1] : 0;
            int32_t acc2 = rows > 2 ? bias_folded[o + 2] : 0;
            int32_t acc3 = rows > 3 ? bias_folded[o + 3] : 0;
            /* two groups of four inputs per pass (fewer loop branches), then the odd one */
            if (direct) {
                const int8_t *x = in;
                for (int32_t k = full / 2; k > 0; k--, x += 8, w += 8) {
                    int32_t v = tinyc_read_s32(x);
                    TINYC_FC_GROUP(tinyc_sxtb16(v), tinyc_sxtb16_ror8(v), w);
                    v = tinyc_read_s32(x + 4);
                    TINYC_FC_GROUP(tinyc_sxtb16(v), tinyc_sxtb16_ror8(v), w + 4);
                }
                if (full & 1) {
                    const int32_t v = tinyc_read_s32(x);
                    TINYC_FC_GROUP(tinyc_sxtb16(v), tinyc_sxtb16_ror8(v), w);
                    w += 4;
                }
                if (ragged) {
                    TINYC_FC_GROUP(last[0], last[1], w);
                    w += 4;
                }
            } else {
                const int32_t *x = x16;
                for (int32_t k = groups / 2; k > 0; k--, x += 4, w += 8) {
                    TINYC_FC_GROUP(x[0], x[1], w);
                    TINYC_FC_GROUP(x[2], x[3], w + 4);
                }
                if (groups & 1) {
                    TINYC_FC_GROUP(x[0], x[1], w);
                    w += 4;
                }
            }
            out[o] = requantize_out(&q, one, full_range, acc0, o);
            if (rows > 1) out[o + 1] = requantize_out(&q, one, full_range, acc1, o + 1);
            if (rows > 2) out[o + 2] = requantize_out(&q, one, full_range, acc2, o + 2);
            if (rows > 3) out[o + 3] = requantize_out(&q, one, full_range, acc3, o + 3);
        }
    }
    return TINYC_KERNEL_OK;
}

/* The flavours the compiler picks from at compile time (only the one a model calls is linked):
 * generic (p->quant, clamp), or the tinyc_requant_r2 table per output feature (_rq) or one
 * for all (_rq1), with SSAT when the activation range is all of int8 (_sat). */
int tinyc_fully_connected_s8_dsp(const tinyc_fully_connected_params *p, tinyc_ctx scratch,
                                 const int8_t *input, const int8_t *weights_blocked,
                                 const int32_t *bias_folded, const tinyc_requant_r2 *rq,
                                 int8_t *output)
{
    (void)rq;
    return fully_connected(p, scratch, input, weights_blocked, bias_folded, NULL, 0, 0, 0, output);
}

int tinyc_fully_connected_s8_dsp_rq(const tinyc_fully_connected_params *p, tinyc_ctx scratch,
                                    const int8_t *input, const int8_t *weights_blocked,
                                    const int32_t *bias_folded, const tinyc_requant_r2 *rq,
                                    int8_t *output)
{
    return fully_connected(p, scratch, input, weights_blocked, bias_folded, rq, 0, 0, 0, output);
}

int tinyc_fully_connected_s8_dsp_rq_sat(const tinyc_fully_connected_params *p, tinyc_ctx scratch,
                                        const int8_t *input, const int8_t *weights_blocked,
                                        const int32_t *bias_folded, const tinyc_requant_r2 *rq,
                                        int8_t *output)
{
    return fully_connected(p, scratch, input, weights_blocked, bias_folded, rq, 1, 0, 0, output);
}

int tinyc_fully_connected_s8_dsp_rq1(const tinyc_fully_connected_params *p, tinyc_ctx scratch,
                                     const int8_t *input, const int8_t *weights_blocked,
                                     const int32_t *bias_folded, const tinyc_requant_r2 *rq,
                                     int8_t *output)
{
    return fully_connected(p, scratch, input, weights_blocked, bias_folded, rq, 0, 1, 0, output);
}

int tinyc_fully_connected_s8_dsp_rq1_sat(const tinyc_fully_connected_params *p,
                                         tinyc_ctx scratch, const int8_t *input,
                                         const int8_t *weights_blocked,
                                         const int32_t *bias_folded, const tinyc_requant_r2 *rq,
                                         int8_t *output)
{
    return fully_connected(p, scratch, input, weights_blocked, bias_folded, rq, 1, 1, 0, output);
}

/* The same flavours of the scratch-free kernel (scratch unused). */
#define TINYC_FC_DIRECT(name, use_rq, full_range, per_tensor_rq)                            \
    TINYC_FC_DSP_FLAVOUR(name)                                                              \
    {                                                                                       \
        return fully_connected(p, scratch, input, weights_blocked, bias_folded,             \
                               use_rq ? rq : NULL, full_range, per_tensor_rq, 1, output);   \
    }
TINYC_FC_DIRECT(tinyc_fully_connected_s8_dsp_direct, 0, 0, 0)
TINYC_FC_DIRECT(tinyc_fully_connected_s8_dsp_direct_rq, 1, 0, 0)
TINYC_FC_DIRECT(tinyc_fully_connected_s8_dsp_direct_rq_sat, 1, 1, 0)
TINYC_FC_DIRECT(tinyc_fully_connected_s8_dsp_direct_rq1, 1, 0, 1)
TINYC_FC_DIRECT(tinyc_fully_connected_s8_dsp_direct_rq1_sat, 1, 1, 1)
