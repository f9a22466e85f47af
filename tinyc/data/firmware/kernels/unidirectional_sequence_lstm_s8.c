#include "unidirectional_sequence_lstm_s8.h"

static inline int8_t to_s8(int32_t x)
{
    return (int8_t)tinyc_clamp_i32(x, INT8_MIN, INT8_MAX);
}

#define LSTM_KERNEL tinyc_unidirectional_sequence_lstm_s8
#define LSTM_PARAMS tinyc_lstm_s8_params
#define LSTM_GATE tinyc_lstm_gate_s8
#define LSTM_T int8_t
#define LSTM_ACC int32_t
#define LSTM_REQUANTIZE tinyc_requantize
#define LSTM_TO_T to_s8
#include "unidirectional_sequence_lstm_body.h"
