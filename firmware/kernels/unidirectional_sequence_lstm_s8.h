/* UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations and weights, int16 cell state, as TFLM's
 * integer LSTM (lstm_eval.h: EvalLstm<int8_t, int8_t, int16_t, int32_t>): per time step, the
 * four gates are an input FC plus a recurrent FC (each requantized to int16 Q3.12, added with
 * int16 saturation), sigmoid (tanh for the cell gate) in Q0.15; then
 * cell = forget * cell + input * cell_gate (int16, saturated, clipped), and
 * hidden = tanh(cell) * output (int8, the hidden state's zero point). The output row of each
 * step is the new hidden state.
 *
 * TFLM runs each step as whole-vector passes over four scratch buffers. Every stage but the
 * two FCs is elementwise per unit, and the FCs read only the input and the hidden state of
 * the previous step, so here each unit runs all stages at once and writes its new hidden
 * value into the step's output row; the row becomes the hidden state after the last unit.
 * Same integer operations in the same order per value, no scratch.
 *
 * The input zero point (and the hidden state's, for the recurrent FC) is folded into the
 * biases at compile time: bias[u] - zero_point * sum_k weights[u][k]. */
#ifndef TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S8_H
#define TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const int8_t *input_weights;        /* [units][input_size] */
    const int8_t *recurrent_weights;    /* [units][units] */
    const int32_t *input_bias;          /* [units] gate bias, input zero point folded in */
    const int32_t *recurrent_bias;      /* [units] hidden zero point folded in */
    int32_t input_multiplier, input_shift;          /* input FC -> Q3.12 */
    int32_t recurrent_multiplier, recurrent_shift;  /* recurrent FC -> Q3.12 */
} tinyc_lstm_gate_s8;

/* The gates in TFLM's tensor order: input, forget, cell, output. */
enum { TINYC_LSTM_INPUT_GATE, TINYC_LSTM_FORGET_GATE, TINYC_LSTM_CELL_GATE,
       TINYC_LSTM_OUTPUT_GATE };

typedef struct {
    int32_t batches, time_steps, input_size, units;
    int32_t time_major;                 /* input/output [time][batch][.], else [batch][time][.] */
    tinyc_lstm_gate_s8 gate[4];
    int32_t gate_multiplier, gate_shift;            /* Q3.12 -> the table's input */
    int32_t cell_tanh_multiplier, cell_tanh_shift;  /* cell state -> the table's input */
    int32_t forget_multiplier, forget_shift;        /* forget x cell -> cell */
    int32_t input_multiplier, input_shift;          /* input x cell gate -> cell */
    int32_t hidden_multiplier, hidden_shift;        /* tanh(cell) x output -> hidden */
    int32_t hidden_zero_point;
    int32_t cell_clip;                  /* |cell| <= cell_clip after each update; < 0: none */
    const uint16_t *sigmoid_table;      /* [256] sigmoid(i / 24) in 0.16 */
} tinyc_lstm_s8_params;

int tinyc_unidirectional_sequence_lstm_s8(const tinyc_lstm_s8_params *p, const int8_t *input,
                                          int8_t *hidden_state, int16_t *cell_state,
                                          int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
