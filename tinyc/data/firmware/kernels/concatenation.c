#include "concatenation.h"

int tinyc_concatenation(const tinyc_concatenation_params *p, const void *const *inputs,
                        void *output)
{
    uint8_t *out = (uint8_t *)output;
    for (int32_t o = 0; o < p->outer; o++) {
        for (int32_t k = 0; k < p->n_inputs; k++) {
            const int32_t n = p->part_bytes[k];
            memcpy(out, (const uint8_t *)inputs[k] + o * n, (size_t)n);
            out += n;
        }
    }
    return TINYC_KERNEL_OK;
}
