#include "reduce_minmax_s8.h"
#include "odometer.h"

int tinyc_reduce_minmax_s8(const tinyc_reduce_minmax_params *p, const int8_t *input,
                           int8_t *output)
{
    int32_t oi[TINYC_REDUCE_MAX_DIMS] = {0};
    int32_t ri[TINYC_REDUCE_MAX_DIMS] = {0};
    if (p->out_ndim < 0 || p->out_ndim > TINYC_REDUCE_MAX_DIMS || p->red_ndim < 0 ||
        p->red_ndim > TINYC_REDUCE_MAX_DIMS) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int32_t base = 0, o = 0;
    do {
        int8_t acc = p->is_max ? -128 : 127;
        int32_t r = 0;
        do {
            const int8_t v = input[base + r];
            acc = p->is_max ? (v > acc ? v : acc) : (v < acc ? v : acc);
        } while (tinyc_odometer_step(p->red_ndim, p->red_dims, p->red_stride, ri, &r));
        output[o++] = acc;
    } while (tinyc_odometer_step(p->out_ndim, p->out_dims, p->out_stride, oi, &base));
    return TINYC_KERNEL_OK;
}
