/* FULLY_CONNECTED, int8, for cores with the DSP extension (Cortex-M4/M7/M33).
 *
 * Four output rows at once: the input is widened once per batch into int16 scratch as
 * SXTB16 gives it ((x0,x2),(x1,x3) per group of four), and each 32-bit weight word is split
 * with SXTB16 / SXTB16 ROR 8 and fed to two SMLADs. The compiler re-lays the weights in
 * exactly the order the loop reads them (tinyc/backends/native/ops/fully_connected_dsp.py):
 * blocks of four rows, and within a block for each group of four inputs the four rows' words
 * one after the other; rows and inputs padded with zeros to multiples of four. */
#ifndef TINYC_FULLY_CONNECTED_S8_DSP_H
#define TINYC_FULLY_CONNECTED_S8_DSP_H

#include "fully_connected_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* weights_blocked: int8 [ceil4(out)/4][ceil4(in)/4][4 rows][4 inputs], 4-byte aligned;
 * bias_folded[o] as for tinyc_fully_connected_s8. The compiler calls one flavour:
 * tinyc_fully_connected_s8_dsp requantizes with p->quant (rq unused); the _rq flavours take
 * rq, the requantization precomputed for right shifts >= 2, one per output feature (_rq) or
 * one for all (_rq1), and _sat saturates instead of clamping (activation range all of int8). */
#define TINYC_FC_DSP_FLAVOUR(name)                                                          \
    int name(const tinyc_fully_connected_params *p, tinyc_ctx scratch, const int8_t *input, \
             const int8_t *weights_blocked, const int32_t *bias_folded,                     \
             const tinyc_requant_r2 *rq, int8_t *output)
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp);
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp_rq);
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp_rq_sat);
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp_rq1);
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp_rq1_sat);
/* The same without scratch (scratch unused): every block of four rows widens the input words
 * it reads, a few per cent slower, so the input needs no widened copy (--optimize ram). */
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp_direct);
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp_direct_rq);
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp_direct_rq_sat);
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp_direct_rq1);
TINYC_FC_DSP_FLAVOUR(tinyc_fully_connected_s8_dsp_direct_rq1_sat);

/* ceil4(in_features) int16 values: one batch row of the widened input. */
int32_t tinyc_fully_connected_s8_dsp_scratch_size(const tinyc_fully_connected_params *p);

#ifdef __cplusplus
}
#endif

#endif
