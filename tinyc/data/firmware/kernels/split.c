#include "split.h"

int tinyc_split(const tinyc_split_params *p, const void *input, void *const *outputs)
{
    const uint8_t *in = (const uint8_t *)input;
    for (int32_t o = 0; o < p->outer; o++) {
        for (int32_t k = 0; k < p->n_outputs; k++) {
            const int32_t n = p->part_bytes[k];
            memcpy((uint8_t *)outputs[k] + o * n, in, (size_t)n);
            in += n;
        }
    }
    return TINYC_KERNEL_OK;
}
