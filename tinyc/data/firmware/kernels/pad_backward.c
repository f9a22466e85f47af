#include "pad_backward.h"

static void fill(uint8_t *out, int32_t from, int32_t to, const tinyc_pad_params *p)
{
    if (p->elem_bytes == 1) {
        memset(out + from, p->fill[0], (size_t)(to - from));
        return;
    }
    for (int32_t i = from; i < to; i += p->elem_bytes) {
        memcpy(out + i, p->fill, (size_t)p->elem_bytes);
    }
}

/* Byte offsets of run `r` (row-major over dims) in the source and the destination. */
static void run_offsets(const tinyc_copy_nd_params *c, int32_t r, int32_t *src, int32_t *dst)
{
    int32_t s = c->src_base, d = c->dst_base;
    for (int32_t k = c->ndim - 1; k >= 0; k--) {
        const int32_t i = r % c->dims[k];
        r /= c->dims[k];
        s += i * c->src_stride[k];
        d += i * c->dst_stride[k];
    }
    *src = s;
    *dst = d;
}

int tinyc_pad_backward(const tinyc_pad_params *p, const void *input, void *output)
{
    const tinyc_copy_nd_params *c = &p->interior;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    if (c->ndim < 0 || c->ndim > TINYC_COPY_MAX_DIMS
        || (p->elem_bytes != 1 && p->elem_bytes != 2 && p->elem_bytes != 4)) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    int32_t runs = 1;
    for (int32_t k = 0; k < c->ndim; k++) {
        runs *= c->dims[k] > 0 ? c->dims[k] : 0;
    }
    /* The interior, last run first: every input byte below a run is still unread. */
    for (int32_t r = runs - 1; r >= 0; r--) {
        int32_t s, d;
        run_offsets(c, r, &s, &d);
        memmove(out + d, in + s, (size_t)c->run_bytes);
    }
    /* Then the padding: the gaps between the runs, which ascend through the output. */
    int32_t done = 0;
    for (int32_t r = 0; r < runs; r++) {
        int32_t s, d;
        run_offsets(c, r, &s, &d);
        fill(out, done, d, p);
        done = d + c->run_bytes;
    }
    fill(out, done, p->output_bytes, p);
    return TINYC_KERNEL_OK;
}
