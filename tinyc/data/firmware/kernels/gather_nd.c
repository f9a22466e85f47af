#include "gather_nd.h"

static int64_t slice_start(const tinyc_gather_nd_params *p, const int32_t *row)
{
    int64_t at = 0;
    for (int32_t j = 0; j < p->nd; j++) {
        at += (int64_t)row[j] * p->stride[j];
    }
    return at;
}

int tinyc_gather_nd(const tinyc_gather_nd_params *p, const void *params, const int32_t *indices,
                    void *output)
{
    for (int32_t i = 0; i < p->n_slices; i++) {
        const int64_t at = slice_start(p, indices + i * p->nd);
        if (at < 0 || at + p->slice_elems > p->params_elems) {
            return TINYC_KERNEL_BAD_PARAMS;
        }
    }
    const uint8_t *in = (const uint8_t *)params;
    uint8_t *out = (uint8_t *)output;
    const size_t n = (size_t)p->slice_elems * (size_t)p->elem_bytes;
    for (int32_t i = 0; i < p->n_slices; i++) {
        const int64_t at = slice_start(p, indices + i * p->nd);
        memcpy(out + (size_t)i * n, in + (size_t)at * (size_t)p->elem_bytes, n);
    }
    return TINYC_KERNEL_OK;
}
