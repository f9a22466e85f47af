"""DSP-extension kernels for FULLY_CONNECTED and DEPTHWISE_CONV_2D against TFLM, bit for bit.

On the host the DSP intrinsics are emulated in portable C (firmware/kernels/tinyc_simd.h), so
the sweeps run under ASan/UBSan; every case asserts the variant chosen, so a sweep cannot
silently fall back to the portable kernel. The QEMU checks run the same kernels on the board."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from bitexact import mismatches  # noqa: E402
from test_kernels_conv import DEPTHWISE, FC, _keras, _model  # noqa: E402

import tinyc.backends.native.ops  # noqa: E402,F401  (registers every lowering)
from tinyc.backends.native.debug_plan import NoReusePlan  # noqa: E402
from tinyc.backends.native.lower import LOWERINGS  # noqa: E402
from tinyc.backends.native.rules import NativeRules  # noqa: E402
from tinyc.backends.native.target import Target  # noqa: E402
from tinyc.boards import get_board  # noqa: E402
from tinyc.frontend import load_model  # noqa: E402

DSP = Target(get_board("host"), features=frozenset({"dsp"}))


def dsp_mismatches(path, opcode: str, variant: str) -> int:
    """Mismatched bytes vs TFLM with the DSP kernels, after asserting every `opcode` op
    takes `variant`."""
    g = load_model(path)
    chosen = [LOWERINGS[op.opcode].select(g, op, DSP).variant for op in g.ops
              if op.opcode == opcode]
    assert chosen and set(chosen) == {variant}, chosen
    return mismatches(path, samples=8, plan=NoReusePlan(g, NativeRules(DSP)))


# ---- FULLY_CONNECTED -------------------------------------------------------------------------

# Beyond test_kernels_conv.FC: inputs and rows that are and are not multiples of the 4x4 block.
FC_DSP = {
    **FC,
    "in13_out8_relu": (dict(units=8, activation="relu"), (1, 13), True),
    "in64_out16": (dict(units=16), (1, 64), True),
    "in3_out1_per_tensor": (dict(units=1), (1, 3), False),
    "in33_out11_b2_relu6": (dict(units=11, activation="relu6"), (2, 33), True),
}


def fc_model(name):
    kw, shape, per_channel = FC_DSP[name]
    return _model("fc", name, FC_DSP[name], lambda x, kw=kw: _keras().Dense(**kw)(x), shape,
                  seed=9, per_channel=per_channel)


@pytest.mark.parametrize("name", sorted(FC_DSP))
def test_fully_connected_dsp(name):
    assert dsp_mismatches(fc_model(name), "FULLY_CONNECTED", "dsp") == 0


# ---- requantization: the fast form against the reference form, on many values ----------------

REQUANT_C = r"""
#include "tinyc_kernel.h"
int32_t count_requantize_differences(const int32_t *x, const int32_t *m, const int32_t *s, int32_t n)
{
    int32_t bad = 0;
    for (int32_t i = 0; i < n; i++) {
        bad += tinyc_requantize_fast(x[i], m[i], s[i]) != tinyc_requantize(x[i], m[i], s[i]);
    }
    return bad;
}
"""


def test_requantize_fast_matches_reference():
    import ctypes
    import tempfile

    import numpy as np

    from tinyc.backends.native.codegen import KERNELS_DIR
    from tinyc.hostlib import compile_shared
    work = Path(tempfile.mkdtemp(prefix="tinyc-rq-"))
    (work / "rq.c").write_text(REQUANT_C)
    lib = ctypes.CDLL(str(compile_shared([work / "rq.c"], [KERNELS_DIR], work / "rq.so",
                                         sanitize=True)))
    rng = np.random.default_rng(13)
    n = 400_000
    edges = np.array([0, 1, -1, 2, -2, 127, -128, 1 << 20, -(1 << 20), 2**31 - 1, -2**31,
                      2**30, -2**30, 12345, -12345], np.int64)
    x = np.concatenate([rng.integers(-2**31, 2**31, n // 2), rng.integers(-70000, 70000, n // 2)])
    x[:len(edges)] = edges
    m = rng.integers(1 << 30, 2**31, n)
    m[:3] = [1 << 30, 2**31 - 1, 0]
    s = rng.integers(-31, 31, n)
    s[: n // 4] = rng.integers(-12, 2, n // 4)    # the shifts real models have
    s[n // 2: n // 2 + len(edges)] = [-31, 30, 0, -1, 1, -31, 30, 0, -1, 1, -15, 15, -30, 5, -5]
    args = [np.ascontiguousarray(a, np.int32) for a in (x, m, s)]
    f = lib.count_requantize_differences
    f.restype = ctypes.c_int32
    assert f(*[a.ctypes.data_as(ctypes.c_void_p) for a in args], n) == 0
