/* The portable UNIDIRECTIONAL_SEQUENCE_LSTM kernel, written once for int8 and int16
 * activations: unidirectional_sequence_lstm_s8.c and _s16.c each define the names below and
 * include this file (no include guard: once per activation type).
 *   LSTM_KERNEL      the kernel's name
 *   LSTM_PARAMS      its params type (TINYC_LSTM_PARAMS)
 *   LSTM_GATE        its gate type
 *   LSTM_T           the activation type (input, hidden state, output)
 *   LSTM_ACC         the accumulator and bias type of the FCs
 *   LSTM_REQUANTIZE  LSTM_ACC -> Q3.12 (before the int16 saturation)
 *   LSTM_TO_T        the cell's new hidden value, clamped to LSTM_T
 * See unidirectional_sequence_lstm_s8.h for the order of the computation. */

static inline LSTM_ACC dot(const LSTM_T *a, const int8_t *w, int32_t n, LSTM_ACC acc)
{
    for (int32_t k = 0; k < n; k++) {
        acc += a[k] * w[k];
    }
    return acc;
}

/* One time step of one batch row: x [input_size], h [units] (the previous hidden state),
 * c [units] updated in place, the new hidden state written to out [units]. */
static void step(const LSTM_PARAMS *p, const LSTM_T *x, const LSTM_T *h, int16_t *c,
                 LSTM_T *out)
{
    const int32_t n_in = p->dims.input_size, n = p->dims.units;
    for (int32_t u = 0; u < n; u++) {
        int16_t pre[4];
        for (int32_t k = 0; k < 4; k++) {
            const LSTM_GATE *g = &p->gate[k];
            const LSTM_ACC in = dot(x, g->input_weights + u * n_in, n_in, g->input_bias[u]);
            const LSTM_ACC rec = dot(h, g->recurrent_weights + u * n, n, g->recurrent_bias[u]);
            pre[k] = tinyc_lstm_gate_sum(
                LSTM_REQUANTIZE(in, g->input_multiplier, g->input_shift),
                LSTM_REQUANTIZE(rec, g->recurrent_multiplier, g->recurrent_shift));
        }
        out[u] = LSTM_TO_T(tinyc_lstm_cell(&p->cell, pre, &c[u]));
    }
}

int LSTM_KERNEL(const LSTM_PARAMS *p, const LSTM_T *input, LSTM_T *hidden_state,
                int16_t *cell_state, LSTM_T *output)
{
    const tinyc_lstm_dims *d = &p->dims;
    for (int32_t b = 0; b < d->batches; b++) {
        for (int32_t s = 0; s < d->time_steps; s++) {
            const int32_t row = tinyc_lstm_row(d, b, s);
            LSTM_T *out = output + row * d->units;
            step(p, input + row * d->input_size, hidden_state + b * d->units,
                 cell_state + b * d->units, out);
            memcpy(hidden_state + b * d->units, out, (size_t)d->units * sizeof(LSTM_T));
        }
    }
    return TINYC_KERNEL_OK;
}

#undef LSTM_KERNEL
#undef LSTM_PARAMS
#undef LSTM_GATE
#undef LSTM_T
#undef LSTM_ACC
#undef LSTM_REQUANTIZE
#undef LSTM_TO_T
