#include "rsqrt_s8.h"

int tinyc_rsqrt_s8(const tinyc_rsqrt_params *p, const int8_t *input, int8_t *output)
{
    for (int32_t i = 0; i < p->size; i++) {
        if (input[i] < p->min_input) {
            return TINYC_KERNEL_BAD_PARAMS;
        }
    }
    for (int32_t i = 0; i < p->size; i++) {
        output[i] = p->table[input[i] + 128];
    }
    return TINYC_KERNEL_OK;
}
