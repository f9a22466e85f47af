#include "resize_bilinear_s8.h"

int tinyc_resize_bilinear_s8(const tinyc_resize_bilinear_params *p, const int8_t *input,
                             int8_t *output)
{
    const int32_t depth = p->input.c;
    const int32_t row = p->input.w * depth;
    for (int32_t b = 0; b < p->input.n; b++) {
        const int8_t *in = input + b * p->input.h * row;
        for (int32_t y = 0; y < p->out_h; y++) {
            const int8_t *r0 = in + p->y0[y] * row;
            const int8_t *r1 = in + p->y1[y] * row;
            const int64_t wy1 = p->wy[y], wy0 = 1024 - wy1;
            for (int32_t x = 0; x < p->out_w; x++) {
                const int32_t c0 = p->x0[x] * depth, c1 = p->x1[x] * depth;
                const int64_t wx1 = p->wx[x], wx0 = 1024 - wx1;
                for (int32_t c = 0; c < depth; c++) {
                    const int64_t v = r0[c0 + c] * wy0 * wx0 + r1[c0 + c] * wy1 * wx0 +
                                      r0[c1 + c] * wy0 * wx1 + r1[c1 + c] * wy1 * wx1;
                    const int64_t round = v > 0 ? (1 << 19) : -(1 << 19);
                    *output++ = (int8_t)((v + round) / (1 << 20));
                }
            }
        }
    }
    return TINYC_KERNEL_OK;
}
