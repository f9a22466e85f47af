#include "batch_matmul_s8.h"

int tinyc_batch_matmul_s8(const tinyc_batch_matmul_params *p, const int8_t *lhs,
                          const int8_t *rhs, int8_t *output)
{
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *l = lhs + p->lhs_offset[b];
        const int8_t *r = rhs + p->rhs_offset[b];
        for (int32_t i = 0; i < p->rows; i++) {
            for (int32_t j = 0; j < p->cols; j++) {
                int32_t acc = 0;
                for (int32_t k = 0; k < p->depth; k++) {
                    acc += (l[i * p->lhs_row_stride + k * p->lhs_depth_stride] +
                            p->lhs_offset_value) *
                           (r[k * p->rhs_depth_stride + j * p->rhs_col_stride] +
                            p->rhs_offset_value);
                }
                acc = tinyc_requantize(acc, p->multiplier, p->shift) + p->output_offset;
                *output++ = (int8_t)tinyc_clamp_i32(acc, -128, 127);
            }
        }
    }
    return TINYC_KERNEL_OK;
}
