#include "mean_s16.h"
#include "odometer.h"

int tinyc_mean_s16(const tinyc_mean_params *p, const int16_t *input, int16_t *output)
{
    int32_t oi[TINYC_MEAN_MAX_DIMS] = {0};
    int32_t ri[TINYC_MEAN_MAX_DIMS] = {0};
    if (p->out_ndim < 0 || p->out_ndim > TINYC_MEAN_MAX_DIMS || p->red_ndim < 0 ||
        p->red_ndim > TINYC_MEAN_MAX_DIMS) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int32_t base = 0, o = 0;
    do {
        uint32_t acc = 0;
        int32_t r = 0;
        do {
            acc += (uint32_t)(int32_t)input[base + r];
        } while (tinyc_odometer_step(p->red_ndim, p->red_dims, p->red_stride, ri, &r));
        const int32_t shifted = (int32_t)(acc - (uint32_t)p->zp_times_count);
        int32_t v = tinyc_requantize(shifted, p->multiplier, p->shift);
        v = tinyc_add_wrap(v, p->output_offset);
        output[o++] = (int16_t)tinyc_clamp_i32(v, -32768, 32767);
    } while (tinyc_odometer_step(p->out_ndim, p->out_dims, p->out_stride, oi, &base));
    return TINYC_KERNEL_OK;
}
