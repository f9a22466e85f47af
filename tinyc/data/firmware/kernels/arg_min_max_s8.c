#include "arg_min_max_s8.h"

int tinyc_arg_min_max_s8(const tinyc_arg_min_max_params *p, const int8_t *input,
                         int32_t *output)
{
    for (int32_t o = 0; o < p->outer; o++) {
        const int8_t *slab = input + o * p->axis_size * p->inner;
        for (int32_t j = 0; j < p->inner; j++) {
            int8_t best = slab[j];
            int32_t index = 0;
            for (int32_t i = 1; i < p->axis_size; i++) {
                const int8_t v = slab[i * p->inner + j];
                if (p->is_max ? v > best : v < best) {
                    best = v;
                    index = i;
                }
            }
            *output++ = index;
        }
    }
    return TINYC_KERNEL_OK;
}
