/* The model API every tinyc backend generates (native, tflm, cubeai) and the protocol
 * harness calls. Generated model sources implement everything declared here. */
#ifndef TINYC_MODEL_H
#define TINYC_MODEL_H

#include <stdint.h>

#include "tinyc_hooks.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    TINYC_OK = 0,
    TINYC_ERROR = 1,
} tinyc_status;

typedef enum {
    TINYC_INT8 = 0,
    TINYC_INT16 = 1,
    TINYC_INT32 = 2,
    TINYC_FLOAT32 = 3,
    TINYC_UINT8 = 4,
} tinyc_dtype;

#define TINYC_MAX_DIMS 6

typedef struct {
    tinyc_dtype dtype;
    uint8_t ndim;
    int32_t dims[TINYC_MAX_DIMS];
    uint32_t bytes;
    float scale;          /* 0 when not quantized */
    int32_t zero_point;
} tinyc_tensor_desc;

typedef struct {
    const char *backend;          /* "native", "tflm", "cubeai" */
    const char *board;            /* board id, e.g. "mps2-an386" */
    uint8_t model_sha256[32];     /* of the .tflite the code was generated from */
    uint32_t arena_bytes;         /* activation RAM the model uses */
    uint16_t n_ops;
    uint8_t n_inputs;
    uint8_t n_outputs;
    const tinyc_tensor_desc *inputs;
    const tinyc_tensor_desc *outputs;
} tinyc_model_desc;

extern const tinyc_model_desc tinyc_model;

tinyc_status tinyc_init(void);
void *tinyc_input(int index);
void *tinyc_output(int index);
tinyc_status tinyc_invoke(void);

/* `return tinyc_op_failed(7, st);` in tinyc_invoke() when op 7's kernel returned st != 0
 * (tinyc_last_failure, tinyc_op_hook and TINYC_OP_DONE are in tinyc_hooks.h). */
static inline tinyc_status tinyc_op_failed(int op_index, int32_t status)
{
    tinyc_last_failure.op_index = op_index;
    tinyc_last_failure.status = status;
    return TINYC_ERROR;
}

/* Optional: variable tensors (state kept between invokes) back to their start values, as
 * TFLM's MicroInterpreter::Reset(). INVOKE with flag bit 1 calls it first: each run of the
 * host starts a sequence from the reset state. A backend without it never keeps state. */
void tinyc_reset_state(void) __attribute__((weak));

/* Optional: the arena bytes the runtime itself reports as used after tinyc_init (the TFLM
 * backend: MicroInterpreter::arena_used_bytes()). A backend without such a figure does not
 * define it; INFO then appends no value. */
uint32_t tinyc_runtime_arena_used_bytes(void) __attribute__((weak));

/* Optional: model integrity. Recomputes the CRC-32 of the weights in flash and compares it
 * with the value tinyc computed at compile time: 0 = intact, 1 = damaged. The harness runs it
 * once at boot and reports it in INFO; a backend without it leaves INFO's "not checked". */
int tinyc_selfcheck(void) __attribute__((weak));

#ifdef __cplusplus
}
#endif

#endif /* TINYC_MODEL_H */
