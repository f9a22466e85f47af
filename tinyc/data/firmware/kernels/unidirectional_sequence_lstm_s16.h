/* UNIDIRECTIONAL_SEQUENCE_LSTM with int16 activations, int8 weights, int16 cell state, as
 * TFLM's EvalLstm<int16_t, int8_t, int16_t, int64_t>: the int8 kernel's step
 * (unidirectional_sequence_lstm_s8.h) with int64 accumulators and biases, requantized as
 * TFLM's MultiplyByQuantizedMultiplier(int64_t, ...), and an int16 hidden state. */
#ifndef TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S16_H
#define TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S16_H

#include "lstm_cell_s16.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const int8_t *input_weights;        /* [units][input_size] */
    const int8_t *recurrent_weights;    /* [units][units] */
    const int64_t *input_bias;          /* [units] gate bias, input zero point folded in */
    const int64_t *recurrent_bias;      /* [units] hidden zero point folded in */
    int32_t input_multiplier, input_shift;          /* input FC -> Q3.12 */
    int32_t recurrent_multiplier, recurrent_shift;  /* recurrent FC -> Q3.12 */
} tinyc_lstm_gate_s16;

typedef struct {
    tinyc_lstm_dims dims;
    tinyc_lstm_gate_s16 gate[4];        /* TINYC_LSTM_*_GATE */
    tinyc_lstm_cell_params cell;
} tinyc_lstm_s16_params;

int tinyc_unidirectional_sequence_lstm_s16(const tinyc_lstm_s16_params *p, const int16_t *input,
                                           int16_t *hidden_state, int16_t *cell_state,
                                           int16_t *output);

#ifdef __cplusplus
}
#endif

#endif
