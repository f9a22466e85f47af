#include <string.h>

#include "patch_copy_s8.h"

int tinyc_patch_copy_s8(const tinyc_patch_copy_params *p, const int8_t *src, int8_t *dst)
{
    const int32_t c = p->channels;
    if (c <= 0 || p->rows <= 0 || p->cols <= 0 || p->dst_x < 0 || p->dst_y < 0
        || p->dst_x + p->cols > p->dst_w) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    /* columns [x0, x1) of the region lie inside the source */
    const int32_t x0 = tinyc_clamp_i32(-p->src_x, 0, p->cols);
    const int32_t x1 = tinyc_clamp_i32(p->src_w - p->src_x, x0, p->cols);
    for (int32_t r = 0; r < p->rows; r++) {
        const int32_t sy = p->src_y + r;
        int8_t *out = dst + ((p->dst_y + r) * p->dst_w + p->dst_x) * c;
        if (sy < 0 || sy >= p->src_h) {
            memset(out, (int8_t)p->fill, (size_t)(p->cols * c));
            continue;
        }
        /* most rows lie wholly inside the source: no call for an empty border */
        if (x0 > 0) {
            memset(out, (int8_t)p->fill, (size_t)(x0 * c));
        }
        memcpy(out + x0 * c, src + (sy * p->src_w + p->src_x + x0) * c, (size_t)((x1 - x0) * c));
        if (x1 < p->cols) {
            memset(out + x1 * c, (int8_t)p->fill, (size_t)((p->cols - x1) * c));
        }
    }
    return TINYC_KERNEL_OK;
}
