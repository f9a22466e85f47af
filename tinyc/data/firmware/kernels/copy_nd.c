#include "copy_nd.h"

int tinyc_copy_nd(const tinyc_copy_nd_params *p, const void *src, void *dst)
{
    const uint8_t *s = (const uint8_t *)src;
    uint8_t *d = (uint8_t *)dst;
    int32_t idx[TINYC_COPY_MAX_DIMS] = {0};
    const int32_t n = p->ndim;
    if (n < 0 || n > TINYC_COPY_MAX_DIMS) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    for (int32_t k = 0; k < n; k++) {
        if (p->dims[k] <= 0) {
            return TINYC_KERNEL_OK;   /* empty */
        }
    }
    int32_t so = p->src_base, doff = p->dst_base;
    for (;;) {
        memcpy(d + doff, s + so, (size_t)p->run_bytes);
        /* Odometer step over the dims, innermost last. */
        int32_t k = n - 1;
        while (k >= 0) {
            idx[k]++;
            so += p->src_stride[k];
            doff += p->dst_stride[k];
            if (idx[k] < p->dims[k]) {
                break;
            }
            so -= p->src_stride[k] * p->dims[k];
            doff -= p->dst_stride[k] * p->dims[k];
            idx[k] = 0;
            k--;
        }
        if (k < 0) {
            return TINYC_KERNEL_OK;
        }
    }
}
