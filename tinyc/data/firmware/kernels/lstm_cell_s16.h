/* The int16 cell of TFLM's integer LSTM (lstm_eval.h: UpdateLstmCell, UpdateLstmHidden), shared
 * by the int8 and int16 activation kernels: from one unit's four gate pre-activations (Q3.12,
 * the sum of its input and recurrent FCs) to its new cell state and new hidden value.
 *   cell   = sat16(forget * cell) + sat16(input * cell_gate), saturated, clipped
 *   hidden = zero_point + tanh(cell) * output (clamped by the caller to its type)
 * with the gates sigmoid (tanh for the cell gate) in Q0.15 and every product requantized as
 * TFLM's MulElementwise. */
#ifndef TINYC_LSTM_CELL_S16_H
#define TINYC_LSTM_CELL_S16_H

#include "sigmoid_tanh_s16.h"
#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The gates in TFLM's tensor order: input, forget, cell, output. */
enum { TINYC_LSTM_INPUT_GATE, TINYC_LSTM_FORGET_GATE, TINYC_LSTM_CELL_GATE,
       TINYC_LSTM_OUTPUT_GATE };

typedef struct {
    int32_t batches, time_steps, input_size, units;
    int32_t time_major;                 /* input/output [time][batch][.], else [batch][time][.] */
} tinyc_lstm_dims;

typedef struct {
    int32_t gate_multiplier, gate_shift;            /* Q3.12 -> the table's input */
    int32_t cell_tanh_multiplier, cell_tanh_shift;  /* cell state -> the table's input */
    int32_t forget_multiplier, forget_shift;        /* forget x cell -> cell */
    int32_t input_multiplier, input_shift;          /* input x cell gate -> cell */
    int32_t hidden_multiplier, hidden_shift;        /* tanh(cell) x output -> hidden */
    int32_t hidden_zero_point;
    int32_t cell_clip;                  /* |cell| <= cell_clip after each update; < 0: none */
    const uint16_t *sigmoid_table;      /* [256] sigmoid(i / 24) in 0.16 */
} tinyc_lstm_cell_params;

/* The input/output row of batch b at time step s. */
static inline int32_t tinyc_lstm_row(const tinyc_lstm_dims *d, int32_t b, int32_t s)
{
    return d->time_major ? s * d->batches + b : b * d->time_steps + s;
}

static inline int16_t tinyc_sat16(int32_t x)
{
    return (int16_t)tinyc_clamp_i32(x, INT16_MIN, INT16_MAX);
}

/* One FC pair's sum: each requantized result clamped to int16, then added with saturation. */
static inline int16_t tinyc_lstm_gate_sum(int32_t input_fc, int32_t recurrent_fc)
{
    return tinyc_sat16((int32_t)tinyc_sat16(input_fc) + tinyc_sat16(recurrent_fc));
}

/* pre[4]: the gates' pre-activations (Q3.12); c: this unit's cell state, updated. Returns the
 * new hidden value before the clamp to the hidden state's type. */
static inline int32_t tinyc_lstm_cell(const tinyc_lstm_cell_params *p, const int16_t pre[4],
                                      int16_t *c)
{
    const uint16_t *t = p->sigmoid_table;
    const int32_t gm = p->gate_multiplier, gs = p->gate_shift;
    const int16_t f = tinyc_sigmoid_s16(t, pre[TINYC_LSTM_FORGET_GATE], gm, gs);
    const int16_t i = tinyc_sigmoid_s16(t, pre[TINYC_LSTM_INPUT_GATE], gm, gs);
    const int16_t g = tinyc_tanh_s16(t, pre[TINYC_LSTM_CELL_GATE], gm, gs);
    const int16_t fc = tinyc_sat16(tinyc_requantize(f * *c, p->forget_multiplier,
                                                    p->forget_shift));
    const int16_t ig = tinyc_sat16(tinyc_requantize(i * g, p->input_multiplier, p->input_shift));
    int16_t cell = tinyc_sat16((int32_t)fc + ig);
    if (p->cell_clip >= 0) {
        cell = (int16_t)tinyc_clamp_i32(cell, -p->cell_clip, p->cell_clip);
    }
    *c = cell;
    const int16_t o = tinyc_sigmoid_s16(t, pre[TINYC_LSTM_OUTPUT_GATE], gm, gs);
    const int16_t tc = tinyc_tanh_s16(t, cell, p->cell_tanh_multiplier, p->cell_tanh_shift);
    return p->hidden_zero_point + tinyc_requantize(tc * o, p->hidden_multiplier,
                                                   p->hidden_shift);
}

#ifdef __cplusplus
}
#endif

#endif
