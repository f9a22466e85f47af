#include "pad.h"

int tinyc_pad(const tinyc_pad_params *p, const void *input, void *output)
{
    uint8_t *out = (uint8_t *)output;
    if (p->elem_bytes == 1) {
        memset(out, p->fill[0], (size_t)p->output_bytes);
    } else if (p->elem_bytes == 2 || p->elem_bytes == 4) {
        for (int32_t i = 0; i < p->output_bytes; i += p->elem_bytes) {
            memcpy(out + i, p->fill, (size_t)p->elem_bytes);
        }
    } else {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    return tinyc_copy_nd(&p->interior, input, output);
}
