/* The scatter of TFLM's reference TRANSPOSE_CONV, shared by the int8 and int16 kernels: every
 * input pixel times every filter tap is added into the output element it lands on. */
#ifndef TINYC_TRANSPOSE_CONV_SCATTER_H
#define TINYC_TRANSPOSE_CONV_SCATTER_H

#include "transpose_conv_s8.h"

/* ACC: one ACC_T accumulator per output element, zeroed by the caller. For each input pixel,
 * filter tap and output channel, (x + INPUT_OFFSET) * w is summed over the input channels in
 * SUM_T and added to its accumulator as ACC_T. A macro so that each kernel keeps its own
 * element, sum and accumulator types in the innermost loop. */
#define TINYC_TRANSPOSE_CONV_SCATTER(P, INPUT, FILTER, ACC, IN_T, SUM_T, ACC_T, INPUT_OFFSET)    \
    do {                                                                                       \
        const int32_t tc_in_h = (P)->input.h, tc_in_w = (P)->input.w, tc_in_c = (P)->input.c;  \
        const int32_t tc_f_h = (P)->filter.h, tc_f_w = (P)->filter.w;                          \
        const int32_t tc_out_h = (P)->output.h, tc_out_w = (P)->output.w;                      \
        const int32_t tc_out_c = (P)->output.c;                                                \
        for (int32_t tc_b = 0; tc_b < (P)->input.n; tc_b++) {                                  \
            ACC_T *tc_acc_b = (ACC) + tc_b * tc_out_h * tc_out_w * tc_out_c;                   \
            for (int32_t tc_iy = 0; tc_iy < tc_in_h; tc_iy++) {                                \
                for (int32_t tc_ix = 0; tc_ix < tc_in_w; tc_ix++) {                            \
                    const IN_T *tc_px =                                                        \
                        (INPUT) + ((tc_b * tc_in_h + tc_iy) * tc_in_w + tc_ix) * tc_in_c;      \
                    const int32_t tc_oy0 = tc_iy * (P)->stride_h - (P)->pad_h;                 \
                    const int32_t tc_ox0 = tc_ix * (P)->stride_w - (P)->pad_w;                 \
                    /* the taps that land inside the output */                                 \
                    const int32_t tc_fy0 = tinyc_max_i32(0, -tc_oy0);                          \
                    const int32_t tc_fy1 = tinyc_min_i32(tc_f_h, tc_out_h - tc_oy0);           \
                    const int32_t tc_fx0 = tinyc_max_i32(0, -tc_ox0);                          \
                    const int32_t tc_fx1 = tinyc_min_i32(tc_f_w, tc_out_w - tc_ox0);           \
                    for (int32_t tc_fy = tc_fy0; tc_fy < tc_fy1; tc_fy++) {                    \
                        const int32_t tc_oy = tc_oy0 + tc_fy;                                  \
                        for (int32_t tc_fx = tc_fx0; tc_fx < tc_fx1; tc_fx++) {                \
                            const int32_t tc_ox = tc_ox0 + tc_fx;                              \
                            ACC_T *tc_a = tc_acc_b + (tc_oy * tc_out_w + tc_ox) * tc_out_c;    \
                            for (int32_t tc_oc = 0; tc_oc < tc_out_c; tc_oc++) {               \
                                const int8_t *tc_w = (FILTER) +                                \
                                    ((tc_oc * tc_f_h + tc_fy) * tc_f_w + tc_fx) * tc_in_c;     \
                                SUM_T tc_sum = 0;                                              \
                                for (int32_t tc_ic = 0; tc_ic < tc_in_c; tc_ic++) {            \
                                    tc_sum += (tc_px[tc_ic] + (INPUT_OFFSET)) * tc_w[tc_ic];   \
                                }                                                              \
                                tc_a[tc_oc] += (ACC_T)tc_sum;                                  \
                            }                                                                  \
                        }                                                                      \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    } while (0)

#endif
