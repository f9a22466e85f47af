/* UNIDIRECTIONAL_SEQUENCE_LSTM int8 on cores with the DSP extension: the portable kernel's
 * step (unidirectional_sequence_lstm_s8.h) with the eight dot products of a unit (its four
 * gates' input and recurrent rows) as SMLAD on SXTB16 halves. The weights are re-laid at
 * compile time so that one pass reads the four gates of a unit together:
 * [units][ceil(n / 4)][4 gates][4 int8], zero-padded; the input row and the hidden state are
 * widened to int16 pairs in scratch once per step. */
#ifndef TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S8_DSP_H
#define TINYC_UNIDIRECTIONAL_SEQUENCE_LSTM_S8_DSP_H

#include "lstm_cell_s16.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    tinyc_lstm_dims dims;
    const int8_t *input_weights;        /* blocked, see above */
    const int8_t *recurrent_weights;    /* blocked, see above */
    const int32_t *input_bias;          /* [units][4 gates], input zero point folded in */
    const int32_t *recurrent_bias;      /* [units][4 gates], hidden zero point folded in */
    int32_t input_multiplier[4], input_shift[4];          /* per gate, input FC -> Q3.12 */
    int32_t recurrent_multiplier[4], recurrent_shift[4];  /* per gate, recurrent FC -> Q3.12 */
    tinyc_lstm_cell_params cell;
} tinyc_lstm_s8_dsp_params;

/* The widened input row and hidden state: int16, each padded to a multiple of 4. */
int32_t tinyc_unidirectional_sequence_lstm_s8_dsp_scratch_size(const tinyc_lstm_s8_dsp_params *p);

int tinyc_unidirectional_sequence_lstm_s8_dsp(const tinyc_lstm_s8_dsp_params *p,
                                              tinyc_ctx scratch, const int8_t *input,
                                              int8_t *hidden_state, int16_t *cell_state,
                                              int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
