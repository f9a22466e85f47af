/* BATCH_MATMUL int8, as TFLM's reference: for each output matrix (batch dims broadcast),
 * out[i][j] = requantize(sum_k (lhs[i][k] - lhs_zp) * (rhs[k][j] - rhs_zp)), per-tensor.
 * Each operand's matrix offsets and its row/column strides (adj_x/adj_y folded in) are
 * computed at compile time. */
#ifndef TINYC_BATCH_MATMUL_S8_H
#define TINYC_BATCH_MATMUL_S8_H

#include "tinyc_kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t batches, rows, cols, depth;
    const int32_t *lhs_offset;     /* [batches] element offset of each lhs matrix */
    const int32_t *rhs_offset;     /* [batches] element offset of each rhs matrix */
    int32_t lhs_row_stride, lhs_depth_stride;
    int32_t rhs_depth_stride, rhs_col_stride;
    int32_t lhs_offset_value, rhs_offset_value;   /* -zero points */
    int32_t output_offset;
    int32_t multiplier, shift;
} tinyc_batch_matmul_params;

int tinyc_batch_matmul_s8(const tinyc_batch_matmul_params *p, const int8_t *lhs,
                          const int8_t *rhs, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif
