/* UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations and weights, int16 cell state, as TFLM's
 * integer LSTM (lstm_eval.h: EvalLstm<int8_t, int8_t, int16_t, int32_t>): per time step, each
 * gate is an input FC plus a recurrent FC (int32 accumulators, each requantized to int16
 * Q3.12), then the cell of lstm_cell_s16.h. The output row of each step is the new hidden
 * state.
 *
 * TFLM runs each step as whole-vector passes over four scratch buffers. Every stage but the
 * two FCs is elementwise per unit, and the FCs read only the input and the hidden state of
 * the previous step, so here each unit runs all stages at once and writes its new hidden
 * value into the step's output row; the row becomes the hidden state after the last unit.
 * Same integer operations on each value, no scratch.
 *
 * The input zero point (and the hidden state's, for the recurrent FC) is folded into the
 * biases at compile time: bias[u] - zero_point * sum_k weights[u][k]. */
#ifndef TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S8_H
#define TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S8_H

#include "lstm_cell_s16.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The params of the portable kernels (unidirectional_sequence_lstm_body.h), ACC_T the FCs'
 * accumulator and bias type. */
#define TINYC_LSTM_PARAMS(GATE_T, PARAMS_T, ACC_T)                                               \
    typedef struct {                                                                           \
        const int8_t *input_weights;        /* [units][input_size] */                          \
        const int8_t *recurrent_weights;    /* [units][units] */                               \
        const ACC_T *input_bias;            /* [units] gate bias, input zero point folded in */ \
        const ACC_T *recurrent_bias;        /* [units] hidden zero point folded in */          \
        int32_t input_multiplier, input_shift;          /* input FC -> Q3.12 */                \
        int32_t recurrent_multiplier, recurrent_shift;  /* recurrent FC -> Q3.12 */            \
    } GATE_T;                                                                                  \
    typedef struct {                                                                           \
        tinyc_lstm_dims dims;                                                                  \
        GATE_T gate[4];                     /* TINYC_LSTM_*_GATE */                            \
        tinyc_lstm_cell_params cell;                                                           \
    } PARAMS_T

TINYC_LSTM_PARAMS(tinyc_lstm_gate_s8, tinyc_lstm_s8_params, int32_t);

int tinyc_unidirectional_sequence_lstm_s8(const tinyc_lstm_s8_params *p, const int8_t *input,
                                          int8_t *hidden_state, int16_t *cell_state,
                                          int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
