#include "unidirectional_sequence_lstm_s8.h"

static inline int32_t dot_s8(const int8_t *a, const int8_t *w, int32_t n, int32_t acc)
{
    for (int32_t k = 0; k < n; k++) {
        acc += a[k] * w[k];
    }
    return acc;
}

/* One time step of one batch row: x [input_size], h [units] (the previous hidden state),
 * c [units] updated in place, the new hidden state written to out [units]. */
static void step(const tinyc_lstm_s8_params *p, const int8_t *x, const int8_t *h, int16_t *c,
                 int8_t *out)
{
    const int32_t n_in = p->dims.input_size, n = p->dims.units;
    for (int32_t u = 0; u < n; u++) {
        int16_t pre[4];
        for (int32_t k = 0; k < 4; k++) {
            const tinyc_lstm_gate_s8 *g = &p->gate[k];
            const int32_t in = dot_s8(x, g->input_weights + u * n_in, n_in, g->input_bias[u]);
            const int32_t rec = dot_s8(h, g->recurrent_weights + u * n, n, g->recurrent_bias[u]);
            pre[k] = tinyc_lstm_gate_sum(
                tinyc_requantize(in, g->input_multiplier, g->input_shift),
                tinyc_requantize(rec, g->recurrent_multiplier, g->recurrent_shift));
        }
        out[u] = (int8_t)tinyc_clamp_i32(tinyc_lstm_cell(&p->cell, pre, &c[u]), INT8_MIN,
                                         INT8_MAX);
    }
}

int tinyc_unidirectional_sequence_lstm_s8(const tinyc_lstm_s8_params *p, const int8_t *input,
                                          int8_t *hidden_state, int16_t *cell_state,
                                          int8_t *output)
{
    const tinyc_lstm_dims *d = &p->dims;
    for (int32_t b = 0; b < d->batches; b++) {
        for (int32_t s = 0; s < d->time_steps; s++) {
            const int32_t row = tinyc_lstm_row(d, b, s);
            int8_t *out = output + row * d->units;
            step(p, input + row * d->input_size, hidden_state + b * d->units,
                 cell_state + b * d->units, out);
            memcpy(hidden_state + b * d->units, out, (size_t)d->units);
        }
    }
    return TINYC_KERNEL_OK;
}
