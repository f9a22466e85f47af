"""Requantization in the form the DSP kernels' fast path reads (tinyc_requant_r2 in
firmware/kernels/tinyc_kernel.h), computed at compile time."""
from __future__ import annotations

import numpy as np


def r2_table(mult: np.ndarray, shift: np.ndarray) -> np.ndarray | None:
    """int32 [channels, 3] = (multiplier, 2^(r-2), r-1) when every right shift r = -shift is at
    least 2 (then tinyc_requantize_r2 is exact), else None (the kernel takes the generic path)."""
    r = -np.asarray(shift, np.int64)
    if len(r) == 0 or r.min() < 2 or r.max() > 31:
        return None
    return np.stack([np.asarray(mult, np.int64), 1 << (r - 2), r - 1], axis=1).astype(np.int32)
