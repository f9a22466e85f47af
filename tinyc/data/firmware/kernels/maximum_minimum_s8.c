#include "maximum_minimum_s8.h"

static inline int8_t pick(int8_t a, int8_t b, int32_t maximum)
{
    return maximum ? (a > b ? a : b) : (a < b ? a : b);
}

static int maximum_minimum(const tinyc_maximum_minimum_params *p, const int8_t *in1,
                           const int8_t *in2, int8_t *out, int32_t maximum)
{
    if (!p->broadcast) {
        for (int32_t i = 0; i < p->size; i++) {
            out[i] = pick(in1[i], in2[i], maximum);
        }
        return TINYC_KERNEL_OK;
    }
    const tinyc_broadcast *b = &p->bc;
    const int32_t inner = b->dims[TINYC_BROADCAST_DIMS - 1];
    const int32_t s1 = b->stride1[TINYC_BROADCAST_DIMS - 1];
    const int32_t s2 = b->stride2[TINYC_BROADCAST_DIMS - 1];
    if (inner <= 0) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t rows = p->size / inner;
    for (int32_t r = 0; r < rows; r++) {
        int32_t o1, o2;
        tinyc_broadcast_row(b, r, &o1, &o2);
        int8_t *o = out + r * inner;
        for (int32_t j = 0; j < inner; j++) {
            o[j] = pick(in1[o1 + j * s1], in2[o2 + j * s2], maximum);
        }
    }
    return TINYC_KERNEL_OK;
}

int tinyc_maximum_s8(const tinyc_maximum_minimum_params *p, const int8_t *in1,
                     const int8_t *in2, int8_t *out)
{
    return maximum_minimum(p, in1, in2, out, 1);
}

int tinyc_minimum_s8(const tinyc_maximum_minimum_params *p, const int8_t *in1,
                     const int8_t *in2, int8_t *out)
{
    return maximum_minimum(p, in1, in2, out, 0);
}
