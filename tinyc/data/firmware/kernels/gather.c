#include "gather.h"

int tinyc_gather(const tinyc_gather_params *p, const void *input, const int32_t *positions,
                 void *output)
{
    for (int32_t i = 0; i < p->batch * p->coord_size; i++) {
        if (positions[i] < 0 || positions[i] >= p->axis_size) {
            return TINYC_KERNEL_BAD_PARAMS;
        }
    }
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    const int32_t n = p->inner_bytes;
    for (int32_t b = 0; b < p->batch; b++) {
        for (int32_t o = 0; o < p->outer; o++) {
            const uint8_t *slab = in + (b * p->outer + o) * p->axis_size * n;
            for (int32_t c = 0; c < p->coord_size; c++) {
                memcpy(out, slab + positions[b * p->coord_size + c] * n, (size_t)n);
                out += n;
            }
        }
    }
    return TINYC_KERNEL_OK;
}
