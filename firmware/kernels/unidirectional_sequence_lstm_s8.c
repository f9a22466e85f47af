#include "unidirectional_sequence_lstm_s8.h"
#include "sigmoid_tanh_s16.h"

static inline int16_t sat16(int32_t x)
{
    return (int16_t)tinyc_clamp_i32(x, INT16_MIN, INT16_MAX);
}

static inline int32_t dot_s8(const int8_t *a, const int8_t *w, int32_t n, int32_t acc)
{
    for (int32_t k = 0; k < n; k++) {
        acc += a[k] * w[k];
    }
    return acc;
}

/* One gate's pre-activation for unit u: the two FCs, each clamped to int16, then their
 * saturated sum (TFLM's FullyConnected x2 and AddElementWise). */
static int16_t gate_sum(const tinyc_lstm_gate_s8 *g, const tinyc_lstm_s8_params *p,
                        const int8_t *x, const int8_t *h, int32_t u)
{
    const int32_t in = dot_s8(x, g->input_weights + u * p->input_size, p->input_size,
                              g->input_bias[u]);
    const int32_t rec = dot_s8(h, g->recurrent_weights + u * p->units, p->units,
                               g->recurrent_bias[u]);
    return sat16((int32_t)sat16(tinyc_requantize(in, g->input_multiplier, g->input_shift)) +
                 sat16(tinyc_requantize(rec, g->recurrent_multiplier, g->recurrent_shift)));
}

/* One time step of one batch row: x [input_size], h [units] (the previous hidden state),
 * c [units] updated in place, the new hidden state written to out [units]. */
static void step(const tinyc_lstm_s8_params *p, const int8_t *x, const int8_t *h, int16_t *c,
                 int8_t *out)
{
    const uint16_t *t = p->sigmoid_table;
    for (int32_t u = 0; u < p->units; u++) {
        const int16_t f = tinyc_sigmoid_s16(
            t, gate_sum(&p->gate[TINYC_LSTM_FORGET_GATE], p, x, h, u), p->gate_multiplier,
            p->gate_shift);
        const int16_t i = tinyc_sigmoid_s16(
            t, gate_sum(&p->gate[TINYC_LSTM_INPUT_GATE], p, x, h, u), p->gate_multiplier,
            p->gate_shift);
        const int16_t g = tinyc_tanh_s16(
            t, gate_sum(&p->gate[TINYC_LSTM_CELL_GATE], p, x, h, u), p->gate_multiplier,
            p->gate_shift);
        const int16_t fc = sat16(tinyc_requantize(f * c[u], p->forget_multiplier,
                                                  p->forget_shift));
        const int16_t ig = sat16(tinyc_requantize(i * g, p->input_multiplier, p->input_shift));
        int16_t cell = sat16((int32_t)fc + ig);
        if (p->cell_clip >= 0) {
            cell = (int16_t)tinyc_clamp_i32(cell, -p->cell_clip, p->cell_clip);
        }
        c[u] = cell;
        const int16_t o = tinyc_sigmoid_s16(
            t, gate_sum(&p->gate[TINYC_LSTM_OUTPUT_GATE], p, x, h, u), p->gate_multiplier,
            p->gate_shift);
        const int16_t tc = tinyc_tanh_s16(t, cell, p->cell_tanh_multiplier, p->cell_tanh_shift);
        const int32_t hv = p->hidden_zero_point +
                           tinyc_requantize(tc * o, p->hidden_multiplier, p->hidden_shift);
        out[u] = (int8_t)tinyc_clamp_i32(hv, INT8_MIN, INT8_MAX);
    }
}

int tinyc_unidirectional_sequence_lstm_s8(const tinyc_lstm_s8_params *p, const int8_t *input,
                                          int8_t *hidden_state, int16_t *cell_state,
                                          int8_t *output)
{
    const int32_t n_in = p->input_size, n = p->units;
    for (int32_t b = 0; b < p->batches; b++) {
        int8_t *h = hidden_state + b * n;
        int16_t *c = cell_state + b * n;
        for (int32_t s = 0; s < p->time_steps; s++) {
            const int32_t row = p->time_major ? s * p->batches + b : b * p->time_steps + s;
            int8_t *out = output + row * n;
            step(p, input + row * n_in, h, c, out);
            memcpy(h, out, (size_t)n);
        }
    }
    return TINYC_KERNEL_OK;
}
