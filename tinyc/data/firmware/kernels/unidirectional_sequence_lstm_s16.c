#include "unidirectional_sequence_lstm_s16.h"

static inline int64_t dot_s16(const int16_t *a, const int8_t *w, int32_t n, int64_t acc)
{
    for (int32_t k = 0; k < n; k++) {
        acc += a[k] * w[k];
    }
    return acc;
}

/* One time step of one batch row, as the int8 kernel's step. */
static void step(const tinyc_lstm_s16_params *p, const int16_t *x, const int16_t *h, int16_t *c,
                 int16_t *out)
{
    const int32_t n_in = p->dims.input_size, n = p->dims.units;
    for (int32_t u = 0; u < n; u++) {
        int16_t pre[4];
        for (int32_t k = 0; k < 4; k++) {
            const tinyc_lstm_gate_s16 *g = &p->gate[k];
            const int64_t in = dot_s16(x, g->input_weights + u * n_in, n_in, g->input_bias[u]);
            const int64_t rec = dot_s16(h, g->recurrent_weights + u * n, n,
                                        g->recurrent_bias[u]);
            pre[k] = tinyc_lstm_gate_sum(
                tinyc_requantize_i64(in, g->input_multiplier, g->input_shift),
                tinyc_requantize_i64(rec, g->recurrent_multiplier, g->recurrent_shift));
        }
        out[u] = tinyc_sat16(tinyc_lstm_cell(&p->cell, pre, &c[u]));
    }
}

int tinyc_unidirectional_sequence_lstm_s16(const tinyc_lstm_s16_params *p, const int16_t *input,
                                           int16_t *hidden_state, int16_t *cell_state,
                                           int16_t *output)
{
    const tinyc_lstm_dims *d = &p->dims;
    for (int32_t b = 0; b < d->batches; b++) {
        for (int32_t s = 0; s < d->time_steps; s++) {
            const int32_t row = tinyc_lstm_row(d, b, s);
            int16_t *out = output + row * d->units;
            step(p, input + row * d->input_size, hidden_state + b * d->units,
                 cell_state + b * d->units, out);
            memcpy(hidden_state + b * d->units, out, (size_t)d->units * sizeof(int16_t));
        }
    }
    return TINYC_KERNEL_OK;
}
