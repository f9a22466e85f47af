#include "unidirectional_sequence_lstm_s16.h"

#define LSTM_KERNEL tinyc_unidirectional_sequence_lstm_s16
#define LSTM_PARAMS tinyc_lstm_s16_params
#define LSTM_GATE tinyc_lstm_gate_s16
#define LSTM_T int16_t
#define LSTM_ACC int64_t
#define LSTM_REQUANTIZE tinyc_requantize_i64
#define LSTM_TO_T tinyc_sat16
#include "unidirectional_sequence_lstm_body.h"
