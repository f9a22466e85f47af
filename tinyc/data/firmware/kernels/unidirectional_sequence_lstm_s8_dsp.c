#include "unidirectional_sequence_lstm_s8_dsp.h"

#include "tinyc_simd.h"

static inline int32_t groups_of_4(int32_t n)
{
    return (n + 3) / 4;
}

int32_t tinyc_unidirectional_sequence_lstm_s8_dsp_scratch_size(const tinyc_lstm_s8_dsp_params *p)
{
    return 4 * (groups_of_4(p->dims.input_size) + groups_of_4(p->dims.units)) *
           (int32_t)sizeof(int16_t);
}

/* acc[k] += row k of a four-gate block . x, over `groups` groups of four (x widened). */
static inline __attribute__((always_inline)) void gates_dot(const int32_t *x, int32_t groups,
                                                            const int32_t *w, int32_t acc[4])
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (int32_t i = 0; i < groups; i++, x += 2, w += 4) {
        const int32_t x02 = x[0], x13 = x[1];
        const int32_t w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
        a0 = tinyc_smlad(tinyc_sxtb16_ror8(w0), x13, tinyc_smlad(tinyc_sxtb16(w0), x02, a0));
        a1 = tinyc_smlad(tinyc_sxtb16_ror8(w1), x13, tinyc_smlad(tinyc_sxtb16(w1), x02, a1));
        a2 = tinyc_smlad(tinyc_sxtb16_ror8(w2), x13, tinyc_smlad(tinyc_sxtb16(w2), x02, a2));
        a3 = tinyc_smlad(tinyc_sxtb16_ror8(w3), x13, tinyc_smlad(tinyc_sxtb16(w3), x02, a3));
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* One time step of one batch row (x16, h16 widened), as the portable kernel's step. */
static void step(const tinyc_lstm_s8_dsp_params *p, const int32_t *x16, const int32_t *h16,
                 int16_t *c, int8_t *out)
{
    const int32_t gi = groups_of_4(p->dims.input_size), gh = groups_of_4(p->dims.units);
    const int32_t *wi = (const int32_t *)(const void *)p->input_weights;
    const int32_t *wr = (const int32_t *)(const void *)p->recurrent_weights;
    for (int32_t u = 0; u < p->dims.units; u++, wi += 4 * gi, wr += 4 * gh) {
        int32_t in[4], rec[4];
        memcpy(in, p->input_bias + 4 * u, sizeof in);
        memcpy(rec, p->recurrent_bias + 4 * u, sizeof rec);
        gates_dot(x16, gi, wi, in);
        gates_dot(h16, gh, wr, rec);
        int16_t pre[4];
        for (int32_t k = 0; k < 4; k++) {
            pre[k] = tinyc_lstm_gate_sum(
                tinyc_requantize_fast(in[k], p->input_multiplier[k], p->input_shift[k]),
                tinyc_requantize_fast(rec[k], p->recurrent_multiplier[k], p->recurrent_shift[k]));
        }
        out[u] = (int8_t)tinyc_clamp_i32(tinyc_lstm_cell(&p->cell, pre, &c[u]), INT8_MIN,
                                         INT8_MAX);
    }
}

int tinyc_unidirectional_sequence_lstm_s8_dsp(const tinyc_lstm_s8_dsp_params *p,
                                              tinyc_ctx scratch, const int8_t *input,
                                              int8_t *hidden_state, int16_t *cell_state,
                                              int8_t *output)
{
    const tinyc_lstm_dims *d = &p->dims;
    if (scratch.buf == NULL ||
        scratch.size < tinyc_unidirectional_sequence_lstm_s8_dsp_scratch_size(p)) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    int32_t *x16 = (int32_t *)scratch.buf;
    int32_t *h16 = x16 + 2 * groups_of_4(d->input_size);
    for (int32_t b = 0; b < d->batches; b++) {
        int8_t *h = hidden_state + b * d->units;
        for (int32_t s = 0; s < d->time_steps; s++) {
            const int32_t row = tinyc_lstm_row(d, b, s);
            int8_t *out = output + row * d->units;
            tinyc_widen_interleaved_s8(input + row * d->input_size, d->input_size, x16);
            tinyc_widen_interleaved_s8(h, d->units, h16);
            step(p, x16, h16, cell_state + b * d->units, out);
            memcpy(h, out, (size_t)d->units);
        }
    }
    return TINYC_KERNEL_OK;
}
