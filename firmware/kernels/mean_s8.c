#include "mean_s8.h"

/* Advance an odometer over dims; returns 0 when it wraps around. */
static int step(int32_t n, const int32_t *dims, const int32_t *stride, int32_t *idx, int32_t *off)
{
    for (int32_t k = n - 1; k >= 0; k--) {
        idx[k]++;
        *off += stride[k];
        if (idx[k] < dims[k]) {
            return 1;
        }
        *off -= stride[k] * dims[k];
        idx[k] = 0;
    }
    return 0;
}

int tinyc_mean_s8(const tinyc_mean_params *p, const int8_t *input, int8_t *output)
{
    int32_t oi[TINYC_MEAN_MAX_DIMS] = {0};
    int32_t ri[TINYC_MEAN_MAX_DIMS] = {0};
    if (p->out_ndim < 0 || p->out_ndim > TINYC_MEAN_MAX_DIMS || p->red_ndim < 0 ||
        p->red_ndim > TINYC_MEAN_MAX_DIMS) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int32_t base = 0, o = 0;
    do {
        int32_t acc = 0, r = 0;
        do {
            acc += input[base + r];
        } while (step(p->red_ndim, p->red_dims, p->red_stride, ri, &r));
        acc = tinyc_requantize(acc - p->zp_times_count, p->multiplier, p->shift);
        acc = tinyc_add_wrap(acc, p->output_offset);
        output[o++] = (int8_t)tinyc_clamp_i32(acc, -128, 127);
    } while (step(p->out_ndim, p->out_dims, p->out_stride, oi, &base));
    return TINYC_KERNEL_OK;
}
