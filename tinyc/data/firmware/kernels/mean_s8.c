#include "mean_s8.h"
#include "odometer.h"

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
        } while (tinyc_odometer_step(p->red_ndim, p->red_dims, p->red_stride, ri, &r));
        acc = tinyc_requantize(acc - p->zp_times_count, p->multiplier, p->shift);
        acc = tinyc_add_wrap(acc, p->output_offset);
        output[o++] = (int8_t)tinyc_clamp_i32(acc, -128, 127);
    } while (tinyc_odometer_step(p->out_ndim, p->out_dims, p->out_stride, oi, &base));
    return TINYC_KERNEL_OK;
}
