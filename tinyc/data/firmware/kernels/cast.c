#include "cast.h"

/* Every element read as a double (exact for all four types), then converted like TFLM's
 * static_cast<To>(from): integers by way of int32, so narrowing wraps. */
static double read_at(const void *in, int32_t type, int32_t i)
{
    switch (type) {
    case TINYC_CAST_INT8: return ((const int8_t *)in)[i];
    case TINYC_CAST_INT16: return ((const int16_t *)in)[i];
    case TINYC_CAST_INT32: return ((const int32_t *)in)[i];
    default: return ((const float *)in)[i];
    }
}

int tinyc_cast(const tinyc_cast_params *p, const void *input, void *output)
{
    if (p->from < TINYC_CAST_INT8 || p->from > TINYC_CAST_FLOAT32 ||
        p->to < TINYC_CAST_INT8 || p->to > TINYC_CAST_FLOAT32) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    for (int32_t i = 0; i < p->size; i++) {
        const double v = read_at(input, p->from, i);
        if (p->to == TINYC_CAST_FLOAT32) {
            ((float *)output)[i] = (float)v;
            continue;
        }
        const uint32_t w = (uint32_t)(int32_t)v;    /* truncation toward zero */
        switch (p->to) {
        case TINYC_CAST_INT8: ((int8_t *)output)[i] = (int8_t)(uint8_t)w; break;
        case TINYC_CAST_INT16: ((int16_t *)output)[i] = (int16_t)(uint16_t)w; break;
        default: ((int32_t *)output)[i] = (int32_t)w; break;
        }
    }
    return TINYC_KERNEL_OK;
}
