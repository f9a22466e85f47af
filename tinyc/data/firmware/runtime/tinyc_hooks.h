/* What tinyc's generated model code reports while it runs, for whoever links it: the op
 * that failed and why, and a call after every op (profiling, layer-by-layer debugging).
 * Defined once in tinyc_hooks.c, the same file in every export (keep one copy). */
#ifndef TINYC_HOOKS_H
#define TINYC_HOOKS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Why the last invoke failed: the TFLite index of the op that failed (-1 when the backend
 * cannot tell) and the status its kernel returned (tinyc_kernel_status for tinyc's kernels).
 * Only written on a failure: clear it before an invoke to tell a new failure from an old. */
typedef struct {
    int32_t op_index;
    int32_t status;
} tinyc_failure;

extern tinyc_failure tinyc_last_failure;

/* When set, generated code calls it after op `op_index` finishes; 0 (the default) = none. */
typedef void (*tinyc_op_hook_fn)(int op_index);
extern tinyc_op_hook_fn tinyc_op_hook;

#define TINYC_OP_DONE(i) do { if (tinyc_op_hook) tinyc_op_hook(i); } while (0)

/* zlib's CRC-32 of data, continuing from crc (0 to start): the weights' self-check and the
 * protocol's frame CRC. */
uint32_t tinyc_crc32(uint32_t crc, const uint8_t *data, uint32_t len);

/* `return tinyc_failed_at(7, st);` in NAME_invoke() when op 7's kernel returned st != 0:
 * records it and gives NAME_invoke()'s result, 1 + the op's index. */
static inline int tinyc_failed_at(int op_index, int32_t status)
{
    tinyc_last_failure.op_index = op_index;
    tinyc_last_failure.status = status;
    return 1 + op_index;
}

#ifdef __cplusplus
}
#endif

#endif /* TINYC_HOOKS_H */
