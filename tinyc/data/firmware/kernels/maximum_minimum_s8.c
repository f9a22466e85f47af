#include "maximum_minimum_s8.h"

static inline int8_t pick(int32_t maximum, int8_t a, int8_t b)
{
    return maximum ? (a > b ? a : b) : (a < b ? a : b);
}

static int maximum_minimum(const tinyc_maximum_minimum_params *p, const int8_t *in1,
                           const int8_t *in2, int8_t *out, int32_t maximum)
{
    if (!tinyc_broadcast_valid(p->broadcast, &p->bc)) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    /* a constant flag in each walk: no test of it per element */
    if (maximum) {
        TINYC_BROADCAST_EACH(p, in1, in2, out, pick, 1);
    } else {
        TINYC_BROADCAST_EACH(p, in1, in2, out, pick, 0);
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
