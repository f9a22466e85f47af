"""ELU int8, as TFLM's elu.cc: the 256-entry table its Prepare fills in float arithmetic
(dequantize, exp(x) - 1 below zero, round half away from zero, add the zero point, clamp),
re-done here in float32 with the C library's expf."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.lut16 import expf
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import make_table, unary_lut
from tinyc.backends.native.quant import tflm_round

F = np.float32


def elu_table(inp, out) -> np.ndarray:
    inverse_scale = F(1) / F(scale(out))

    def fn(x):
        v = F(scale(inp)) * F(x - zp(inp))
        v = F(expf(v) - F(1)) if v < 0 else v
        rescaled = F(tflm_round(float(F(v * inverse_scale))))
        q = int(F(rescaled + F(zp(out))))      # float sum, truncated as static_cast<int32_t>
        return min(127, max(-128, q))
    return make_table(fn)


unary_lut("ELU", lambda inp, out, op: elu_table(inp, out))
