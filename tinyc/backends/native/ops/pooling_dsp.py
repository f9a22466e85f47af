"""AVERAGE_POOL_2D on cores with the DSP extension: four channels per 32-bit load summed as
int16 pairs (SXTAB16), for windows of at most 256 taps (where int16 sums are exact)."""
from __future__ import annotations

from tinyc.backends.native.lower import kernel_variant
from tinyc.backends.native.ops.pooling import emit_pool
from tinyc.backends.native.target import KernelChoice

MAX_TAPS = 256     # TINYC_AVG_POOL_DSP_MAX_TAPS


def choose(g, op, target):
    taps = int(op.options.get("filter_height", 1)) * int(op.options.get("filter_width", 1))
    if not target.has("dsp") or taps > MAX_TAPS:
        return None
    return KernelChoice("tinyc_avg_pool2d_s8_dsp", ("avg_pool2d_s8_dsp.h",),
                        ("avg_pool2d_s8_dsp.c",), 0, "dsp")


kernel_variant("AVERAGE_POOL_2D", "dsp", choose, priority=10)(emit_pool)
