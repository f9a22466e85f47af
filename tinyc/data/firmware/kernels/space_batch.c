#include "space_batch.h"

int tinyc_space_batch(const tinyc_space_batch_params *p, const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    const int32_t n = p->depth_bytes;
    const int32_t batches = p->block_h * p->block_w * p->space_n;
    for (int32_t k = 0; k < batches; k++) {
        const int32_t b = k % p->space_n;
        const int32_t i = (k / p->space_n) / p->block_w;
        const int32_t j = (k / p->space_n) % p->block_w;
        for (int32_t y = 0; y < p->batch_h; y++) {
            const int32_t sy = y * p->block_h + i - p->off_h;
            for (int32_t x = 0; x < p->batch_w; x++) {
                const int32_t sx = x * p->block_w + j - p->off_w;
                const int32_t batch_at = ((k * p->batch_h + y) * p->batch_w + x) * n;
                const int32_t inside = sy >= 0 && sy < p->space_h && sx >= 0 && sx < p->space_w;
                const int32_t space_at = ((b * p->space_h + sy) * p->space_w + sx) * n;
                if (p->to_batch) {
                    if (inside) {
                        memcpy(out + batch_at, in + space_at, (size_t)n);
                    } else {
                        memset(out + batch_at, p->fill, (size_t)n);
                    }
                } else if (inside) {
                    memcpy(out + space_at, in + batch_at, (size_t)n);
                }
            }
        }
    }
    return TINYC_KERNEL_OK;
}
