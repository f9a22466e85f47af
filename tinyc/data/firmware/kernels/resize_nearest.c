#include "resize_nearest.h"

int tinyc_resize_nearest(const tinyc_resize_nearest_params *p, const void *input, void *output)
{
    const int32_t pixel = p->input.c * p->elem_bytes;
    const int32_t row = p->input.w * pixel;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    for (int32_t b = 0; b < p->input.n; b++) {
        for (int32_t y = 0; y < p->out_h; y++) {
            const uint8_t *src_row = in + p->in_row[y] * row;
            for (int32_t x = 0; x < p->out_w; x++) {
                memcpy(out, src_row + p->in_col[x] * pixel, (size_t)pixel);
                out += pixel;
            }
        }
        in += p->input.h * row;
    }
    return TINYC_KERNEL_OK;
}
