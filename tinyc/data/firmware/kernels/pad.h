/* PAD / PADV2: fill the output with the pad value, then copy the input into its interior. */
#ifndef TINYC_PAD_H
#define TINYC_PAD_H

#include "copy_nd.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t output_bytes;
    int32_t elem_bytes;              /* 1, 2 or 4 */
    uint8_t fill[4];                 /* one element of the pad value, in memory order */
    tinyc_copy_nd_params interior;   /* input -> output interior */
} tinyc_pad_params;

int tinyc_pad(const tinyc_pad_params *p, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif
