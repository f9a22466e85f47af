/* PAD / PADV2 run from the last byte to the first, so the output may be planned over its own
 * input: the interior is copied from its last run to its first (memmove within a run), then
 * only the padding is filled. Same params and bytes as tinyc_pad; the planner's contract
 * (tinyc/backends/native/access_order.py) is that the output starts at most `dst_base` bytes
 * below the input. */
#ifndef TINYC_PAD_BACKWARD_H
#define TINYC_PAD_BACKWARD_H
#include "pad.h"
#ifdef __cplusplus
extern "C" {
#endif

int tinyc_pad_backward(const tinyc_pad_params *p, const void *input, void *output);

#ifdef __cplusplus
}
#endif
#endif
