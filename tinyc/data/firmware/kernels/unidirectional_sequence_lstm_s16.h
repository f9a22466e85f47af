/* UNIDIRECTIONAL_SEQUENCE_LSTM with int16 activations, int8 weights, int16 cell state, as
 * TFLM's EvalLstm<int16_t, int8_t, int16_t, int64_t>: the int8 kernel's step
 * (unidirectional_sequence_lstm_s8.h) with int64 accumulators and biases, requantized as
 * TFLM's MultiplyByQuantizedMultiplier(int64_t, ...), and an int16 hidden state. */
#ifndef TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S16_H
#define TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S16_H

#include "unidirectional_sequence_lstm_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

TINYC_LSTM_PARAMS(tinyc_lstm_gate_s16, tinyc_lstm_s16_params, int64_t);

int tinyc_unidirectional_sequence_lstm_s16(const tinyc_lstm_s16_params *p, const int16_t *input,
                                           int16_t *hidden_state, int16_t *cell_state,
                                           int16_t *output);

#ifdef __cplusplus
}
#endif

#endif
