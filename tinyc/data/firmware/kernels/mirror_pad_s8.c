#include "mirror_pad_s8.h"

int tinyc_mirror_pad_s8(const tinyc_mirror_pad_params *p, const int8_t *input, int8_t *output)
{
    int32_t idx[TINYC_MIRROR_PAD_MAX_DIMS] = {0};
    if (p->ndim < 1 || p->ndim > TINYC_MIRROR_PAD_MAX_DIMS) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int32_t total = 1;
    for (int32_t k = 0; k < p->ndim; k++) {
        total *= p->out_dims[k];
    }
    for (int32_t o = 0; o < total; o++) {
        int32_t src = 0;
        for (int32_t k = 0; k < p->ndim; k++) {
            src += p->map[p->map_base[k] + idx[k]] * p->in_stride[k];
        }
        output[o] = input[src];
        for (int32_t k = p->ndim - 1; k >= 0; k--) {
            if (++idx[k] < p->out_dims[k]) {
                break;
            }
            idx[k] = 0;
        }
    }
    return TINYC_KERNEL_OK;
}
