"""CONV_2D's DSP kernel variants (Cortex-M4/M7/M33) against TFLM, bit for bit.

On the host the DSP intrinsics are emulated in portable C (firmware/kernels/tinyc_simd.h), so
the sweeps run fast under ASan/UBSan; the QEMU checks run the same kernels on the boards. Each
case asserts the variant chosen for every CONV_2D, so a sweep cannot silently fall back to the
portable kernel."""
from __future__ import annotations

import ctypes
import hashlib
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from bitexact import mismatches  # noqa: E402
from modelgen import int8_model  # noqa: E402
from test_kernels_conv import CONV, ConvParams, _fill, _keras, _model  # noqa: E402

from tinyc.backends.native.codegen import KERNELS_DIR  # noqa: E402
from tinyc.backends.native.debug_plan import NoReusePlan  # noqa: E402
import tinyc.backends.native.ops  # noqa: E402,F401  (registers every lowering)
from tinyc.backends.native.lower import LOWERINGS, LowerCtx, lower_op  # noqa: E402
from tinyc.backends.native.ops import conv2d_dsp  # noqa: E402
from tinyc.backends.native.ops.conv2d import prepare  # noqa: E402
from tinyc.backends.native.rules import NativeRules  # noqa: E402
from tinyc.backends.native.target import Target  # noqa: E402
from tinyc.boards import get_board  # noqa: E402
from tinyc.frontend import load_model  # noqa: E402
from tinyc.hostlib import compile_shared  # noqa: E402

DSP = Target(get_board("host"), features=frozenset({"dsp"}))

# name -> (Conv2D kwargs, input shape, per_channel): the 1x1 kernel's own edges.
POINTWISE = {
    "c8_oc7_odd_pixels": (dict(filters=7, kernel_size=1), (1, 5, 7, 8), True),
    "c5_oc9_relu": (dict(filters=9, kernel_size=1, activation="relu"), (1, 4, 6, 5), True),
    "c1_oc3": (dict(filters=3, kernel_size=1), (1, 3, 5, 1), True),
    "c2_oc4_relu6": (dict(filters=4, kernel_size=1, activation="relu6"), (1, 6, 6, 2), True),
    "c3_oc1": (dict(filters=1, kernel_size=1), (1, 5, 5, 3), True),
    "c13_oc6_per_tensor": (dict(filters=6, kernel_size=1), (1, 4, 5, 13), False),
    "c16_oc16": (dict(filters=16, kernel_size=1, activation="relu"), (1, 6, 5, 16), True),
    "c7_oc5_s2_valid": (dict(filters=5, kernel_size=1, strides=2), (1, 9, 7, 7), True),
    "c6_oc4_s2_same_even": (dict(filters=4, kernel_size=1, strides=2, padding="same"),
                            (1, 8, 10, 6), True),
    "c4_oc3_s2x3": (dict(filters=3, kernel_size=1, strides=(2, 3)), (1, 7, 11, 4), True),
    "batch2_c9_oc5": (dict(filters=5, kernel_size=1, activation="relu6"), (2, 3, 5, 9), True),
    "batch2_c5_oc4_s2": (dict(filters=4, kernel_size=1, strides=2), (2, 5, 5, 5), True),
    "c32_oc6_relu": (dict(filters=6, kernel_size=1, activation="relu"), (1, 3, 5, 32), True),
    "batch2_c16_oc5": (dict(filters=5, kernel_size=1), (2, 3, 3, 16), False),
    "c8_oc4_s2": (dict(filters=4, kernel_size=1, strides=2), (1, 7, 6, 8), True),
    "c64_oc3_odd_pixels": (dict(filters=3, kernel_size=1, activation="relu"), (1, 3, 3, 64),
                           True),
}
# the cases with c_in 8/16/32 at stride 1: the kernels compiled for their c_in
POINTWISE_CN = {"c8_oc7_odd_pixels", "c16_oc16", "c32_oc6_relu", "batch2_c16_oc5",
                "c64_oc3_odd_pixels"}


# cases whose input range is far from symmetric: input zero point near -100, so a padding tap
# that read anything but the zero point would show
SKEWED = {"kws_first_10x4_s2_same_c1", "vww_first_3x3_s2_same_c3", "k3_d2x3_same_c6_oc5",
          "batch2_k3_s2_same_c2_oc3", "c7_oc5_s2_valid"}


def _conv_model(table, name, seed=1):
    kw, shape, per_channel = table[name]
    if name not in SKEWED:
        return _model("conv", name, table[name], lambda x, kw=kw: _keras().Conv2D(**kw)(x),
                      shape, seed=seed, per_channel=per_channel)
    tag = hashlib.sha256(repr(table[name]).encode()).hexdigest()[:8]
    return int8_model(f"conv_skewed_{name}_{tag}", lambda x, kw=kw: _keras().Conv2D(**kw)(x),
                      [shape], seed=seed, per_channel=per_channel, rep_range=(-0.2, 1.8))


def _variants(path, target=DSP):
    g = load_model(path)
    return g, [LOWERINGS["CONV_2D"].select(g, op, target).variant
               for op in g.ops if op.opcode == "CONV_2D"]


def _dsp_mismatches(path):
    g = load_model(path)
    return mismatches(path, plan=NoReusePlan(g, NativeRules(DSP)))


@pytest.fixture(params=["exact", "fast"])
def requant(request, monkeypatch):
    """Each GEMM sweep twice: with RQ_EXACT forced (no layer fits RQ_FAST), and as chosen."""
    if request.param == "exact":
        monkeypatch.setattr(conv2d_dsp, "fast_channels", lambda nums, offset: None)
    return request.param


def _fits_fast(path) -> bool:
    g = load_model(path)
    op = next(op for op in g.ops if op.opcode == "CONV_2D")
    return conv2d_dsp.fast_channels(prepare(g, op), conv2d_dsp.output_offset(g, op)) is not None


def _expected(path, family, requant):
    return family + "-rqfast" if requant == "fast" and _fits_fast(path) else family


def test_fast_requant_covers_the_sweeps():
    """Every GEMM sweep case fits RQ_FAST, so the "fast" runs of the sweeps test it (and the
    "exact" runs RQ_EXACT); the edits below make layers that do not fit."""
    assert all(_fits_fast(_conv_model(POINTWISE, n)) for n in POINTWISE)
    assert all(_fits_fast(_conv_model(GENERAL, n)) for n in GENERAL)


def _edited(path, edit):
    """The model at `path` with `edit(model, op, tensors, buffers)` applied to every CONV_2D,
    through the flatbuffer object API."""
    import tflite_edit
    m = tflite_edit.load(path)
    sg = m.subgraphs[0]
    for op in sg.operators:
        if m.operatorCodes[op.opcodeIndex].builtinCode == 3:          # CONV_2D
            edit(m, op, sg.tensors, m.buffers)
    out = Path(tempfile.mkdtemp(prefix="tinyc-rq-")) / f"{Path(path).stem}_{edit.__name__}.tflite"
    tflite_edit.save(m, out)
    return out


def narrow_activation(m, op, tensors, buffers):
    """output zero point -20 with relu fused: act_min = -20, narrower than int8"""
    tensors[op.outputs[0]].quantization.zeroPoint = [-20]


def left_shift(m, op, tensors, buffers):
    """output scale / 256: every multiplier above 1, a left shift"""
    q = tensors[op.outputs[0]].quantization
    q.scale = [q.scale[0] / 256]


def constant_channels(m, op, tensors, buffers):
    """channel 1 all-zero taps and bias 2^30 - 1, channel 2 all-zero taps and bias -2^30: their
    accumulators would overflow RQ_FAST's 2 acc, but their outputs are constants"""
    w = tensors[op.inputs[1]]
    data = np.frombuffer(bytes(buffers[w.buffer].data), np.int8).reshape(w.shape).copy()
    data[1:3] = 0
    buffers[w.buffer].data = data.tobytes()
    b = tensors[op.inputs[2]]
    bias = np.frombuffer(bytes(buffers[b.buffer].data), np.int32).copy()
    bias[1], bias[2] = (1 << 30) - 1, -(1 << 30)
    buffers[b.buffer].data = bias.tobytes()


@pytest.mark.parametrize("name,edit,family,fast", [
    ("c5_oc9_relu", narrow_activation, "dsp-1x1", False),
    ("c5_oc9_relu", left_shift, "dsp-1x1", False),
    ("c5_oc9_relu", constant_channels, "dsp-1x1", True),
    ("c16_oc16", narrow_activation, "dsp-1x1-cn", False),
    ("c16_oc16", constant_channels, "dsp-1x1-cn", True),
    ("vww_first_3x3_s2_same_c3", narrow_activation, "dsp-im2col-k28", False),
    ("k3_s1_valid_c16_oc6", narrow_activation, "dsp-im2col", False),
    ("k3_s1_valid_c16_oc6", constant_channels, "dsp-im2col", True),
])
def test_requant_flavour_of_edited_layers(name, edit, family, fast):
    path = _edited(_conv_model(POINTWISE if name in POINTWISE else GENERAL, name), edit)
    _, variants = _variants(path)
    assert variants == [family + ("-rqfast" if fast else "")]
    assert _dsp_mismatches(path) == 0


@pytest.mark.parametrize("name", sorted(POINTWISE))
def test_conv2d_1x1_dsp(name, requant):
    path = _conv_model(POINTWISE, name)
    _, variants = _variants(path)
    family = "dsp-1x1-cn" if name in POINTWISE_CN else "dsp-1x1"
    assert variants == [_expected(path, family, requant)]
    assert _dsp_mismatches(path) == 0


# name -> (Conv2D kwargs, input shape, per_channel): the im2col kernel's own edges, with the
# first layers of kws (10x4 stride 2 from one channel) and vww (3x3 stride 2 from RGB).
GENERAL = {
    "kws_first_10x4_s2_same_c1": (dict(filters=9, kernel_size=(10, 4), strides=2,
                                       padding="same", activation="relu"), (1, 15, 8, 1), True),
    "vww_first_3x3_s2_same_c3": (dict(filters=8, kernel_size=3, strides=2, padding="same",
                                      activation="relu6"), (1, 13, 12, 3), True),
    "k3_s1_same_c5_oc7_odd_pixels": (dict(filters=7, kernel_size=3, padding="same"),
                                     (1, 5, 7, 5), True),
    "k3_s1_valid_c16_oc6": (dict(filters=6, kernel_size=3, activation="relu"),
                            (1, 6, 7, 16), True),
    "k3_d2x3_same_c6_oc5": (dict(filters=5, kernel_size=3, dilation_rate=(2, 3),
                                 padding="same"), (1, 9, 10, 6), True),
    "k1x3_same_c4_oc3": (dict(filters=3, kernel_size=(1, 3), padding="same"), (1, 4, 9, 4), True),
    "k3x1_s2x1_valid_c3_oc4": (dict(filters=4, kernel_size=(3, 1), strides=(2, 1)),
                               (1, 9, 5, 3), True),
    "k2_s2_valid_per_tensor_c7": (dict(filters=5, kernel_size=2, strides=2, activation="relu"),
                                  (1, 8, 9, 7), False),
    "batch2_k3_s2_same_c2_oc3": (dict(filters=3, kernel_size=3, strides=2, padding="same"),
                                 (2, 7, 6, 2), True),
    # a 1x1 with many output channels is widened like a column (WIDEN_MIN_OUT_CHANNELS)
    "k1x1_c13_oc49_odd_pixels": (dict(filters=49, kernel_size=1, activation="relu"),
                                 (1, 3, 5, 13), True),
    "k1x1_s2_c6_oc64_batch2": (dict(filters=64, kernel_size=1, strides=2), (2, 5, 4, 6), False),
}


# the cases whose columns are 28 taps (3x3x3, 2x2x7): the kernels compiled for that length
GENERAL_K28 = {"vww_first_3x3_s2_same_c3", "k2_s2_valid_per_tensor_c7"}
CONV_K28 = {"k3_s1_same_relu", "k3_d2_same", "k3_s2_same_per_tensor", "batch2_k3"}


@pytest.mark.parametrize("name", sorted(GENERAL))
def test_conv2d_im2col_dsp(name, requant):
    path = _conv_model(GENERAL, name)
    _, variants = _variants(path)
    family = "dsp-im2col-k28" if name in GENERAL_K28 else "dsp-im2col"
    assert variants == [_expected(path, family, requant)]
    assert _dsp_mismatches(path) == 0


@pytest.mark.parametrize("name", sorted(CONV))
def test_conv2d_dsp_on_the_portable_sweep(name, requant):
    """The portable kernel's sweep on a DSP target: bit-exact with the variant each case gets
    (grouped convolutions stay portable)."""
    path = _conv_model(CONV, name)
    _, variants = _variants(path)
    family = {"k1x1": "dsp-1x1-cn", "groups2": "portable"}.get(
        name, "dsp-im2col-k28" if name in CONV_K28 else "dsp-im2col")
    expected = family if family == "portable" else _expected(path, family, requant)
    assert variants == [expected]
    assert _dsp_mismatches(path) == 0


@pytest.mark.parametrize("name", ["kws_first_10x4_s2_same_c1", "k3_d2x3_same_c6_oc5",
                                  "batch2_k3_s2_same_c2_oc3"])
def test_im2col_scratch_twin(name):
    """The scratch the planner reserves (Python) is what tinyc_conv2d_s8_dsp_scratch_size asks."""
    work = Path(tempfile.mkdtemp(prefix="tinyc-kt-"))
    lib = ctypes.CDLL(str(compile_shared([KERNELS_DIR / "conv2d_s8_dsp.c"], [KERNELS_DIR],
                                         work / "libdspconv.so")))
    fn = lib.tinyc_conv2d_s8_dsp_scratch_size
    fn.restype, fn.argtypes = ctypes.c_int32, [ctypes.POINTER(ConvParams)]
    g = load_model(_conv_model(GENERAL, name))
    rules = NativeRules(DSP)
    ctx = LowerCtx(g, NoReusePlan(g, rules), get_board("host"), DSP)
    op = next(op for op in g.ops if op.opcode == "CONV_2D")
    lower_op(ctx, op)
    params = ConvParams()
    _fill(params, ctx.params_decls[-1].fields)
    assert rules.scratch_bytes(g, op) == fn(ctypes.byref(params)) > 0


def sparse_conv(x, filters, density, strides=1, activation=None, zero_channels=()):
    """A 1x1 Conv2D whose weights are mostly zero (a fixed-seed mask), some channels all zero."""
    layer = _keras().Conv2D(filters, 1, strides=strides, activation=activation)
    y = layer(x)
    kernel, bias = layer.get_weights()
    rng = np.random.default_rng(11)
    kernel = kernel * (rng.random(kernel.shape) < density)
    kernel[..., list(zero_channels)] = 0.0
    layer.set_weights([kernel, rng.uniform(-0.3, 0.3, bias.shape).astype(np.float32)])
    return y


# name -> (sparse_conv kwargs, input shape, per_channel)
SPARSE = {
    "c64_oc10_d05": (dict(filters=10, density=0.05), (1, 5, 6, 64), True),
    "c13_oc7_d20_odd_pixels_zero_channel": (dict(filters=7, density=0.2, zero_channels=(3,),
                                                 activation="relu"), (1, 3, 5, 13), True),
    "c256_oc5_d02_relu6": (dict(filters=5, density=0.02, activation="relu6"), (1, 3, 4, 256),
                           True),
    "c40_oc6_d10_s2_per_tensor": (dict(filters=6, density=0.1, strides=2), (1, 7, 6, 40),
                                  False),
    "batch2_c32_oc9_d15": (dict(filters=9, density=0.15), (2, 3, 3, 32), True),
}


@pytest.mark.parametrize("name", sorted(SPARSE))
def test_conv2d_1x1_sparse_dsp(name):
    kw, shape, per_channel = SPARSE[name]
    tag = hashlib.sha256(repr(SPARSE[name]).encode()).hexdigest()[:8]
    path = int8_model(f"conv_sparse_{name}_{tag}", lambda x, kw=kw: sparse_conv(x, **kw),
                      [shape], seed=3, per_channel=per_channel, rep_range=(-0.5, 1.5))
    _, variants = _variants(path)
    assert variants == ["dsp-1x1-sparse"]
    assert _dsp_mismatches(path) == 0


def test_portable_kernels_option_keeps_the_portable_variant():
    path = _conv_model(POINTWISE, "c16_oc16")
    _, variants = _variants(path, Target(get_board("mps2-an386"), "portable"))
    assert variants == ["portable"]
    _, variants = _variants(path, Target(get_board("mps2-an386")))
    assert variants == ["dsp-1x1-cn-rqfast"]


REQUANT_SHIM = r"""
#include "tinyc_kernel.h"
int32_t requant_disagreements(const int32_t *x, const int32_t *m, const int32_t *s, int32_t n)
{
    int32_t bad = 0;
    for (int32_t i = 0; i < n; i++) {
        bad += tinyc_requantize_fast(x[i], m[i], s[i]) != tinyc_requantize(x[i], m[i], s[i]);
    }
    return bad;
}
"""


def test_requantize_fast_equals_portable():
    work = Path(tempfile.mkdtemp(prefix="tinyc-rq-"))
    (work / "shim.c").write_text(REQUANT_SHIM)
    lib = ctypes.CDLL(str(compile_shared([work / "shim.c"], [KERNELS_DIR], work / "rq.so",
                                         sanitize=True)))
    rng = np.random.default_rng(7)
    n = 400_000
    x = rng.integers(-(1 << 31), 1 << 31, n, dtype=np.int64)
    x[: n // 4] = rng.integers(-(1 << 20), 1 << 20, n // 4)          # typical accumulators
    x[:64] = [0, 1, -1, (1 << 31) - 1, -(1 << 31)] * 12 + [2, -2, 3, -3]
    m = rng.integers(1 << 30, 1 << 31, n, dtype=np.int64)
    m[:8] = [1 << 30, (1 << 31) - 1, 0, 1, 1 << 30, (1 << 31) - 1, 1234567890, 1 << 30]
    s = rng.integers(-31, 1, n)
    s[n // 2: n // 2 + n // 8] = rng.integers(1, 8, n // 8)      # left shifts too
    # every (x mod 2^e) around the rounding threshold: x = k*2^e + 2^(e-1) + {-1, 0, 1}
    e = rng.integers(1, 31, n // 8)
    k = rng.integers(-1000, 1000, n // 8)
    x[-n // 8:] = k * (1 << e) + (1 << (e - 1)) + rng.integers(-1, 2, n // 8)
    m[-n // 8:] = 1 << 30
    s[-n // 8:] = -e
    # products on the first rounding's edge: x*m = 2^30 + {-1, 0, 1} (mod 2^31), both signs
    q = 4096
    for i in range(q):
        mi = int(rng.integers(1 << 29, 1 << 30)) * 2 + 1
        r = (1 << 30) + (i % 3) - 1
        xi = r * pow(mi, -1, 1 << 31) % (1 << 31)
        j = n // 4 + i
        x[j], m[j], s[j] = (xi if i % 2 else xi - (1 << 31)), mi, -int(rng.integers(0, 8))
    x = np.clip(x, -(1 << 31), (1 << 31) - 1)
    args = [np.ascontiguousarray(a, np.int32) for a in (x, m, s)]
    ptr = ctypes.POINTER(ctypes.c_int32)
    assert lib.requant_disagreements(*[a.ctypes.data_as(ptr) for a in args], n) == 0


def three_convs(x):
    """im2col (3x3 stride 2, padded), dense 1x1 and sparse 1x1, one after the other."""
    y = _keras().Conv2D(6, 3, strides=2, padding="same", activation="relu")(x)
    y = _keras().Conv2D(10, 1, activation="relu6")(y)
    return sparse_conv(y, filters=7, density=0.1)


def _three_convs_model():
    return int8_model("conv_three_dsp_variants", three_convs, [(1, 12, 11, 5)], seed=5,
                      rep_range=(-0.5, 1.5))


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("board,case", [("mps2-an386", "fast"), ("mps2-an500", "fast"),
                                        ("mps2-an386", "exact")])
def test_dsp_conv_variants_on_the_board(board, case):
    """The same kernels compiled for the core's DSP instructions, against TFLM over the UART:
    both requantization flavours (the "exact" case: a narrower activation range)."""
    import json

    from conftest import run_tinyc
    if case == "fast":
        path = _three_convs_model()
        expected = ["dsp-im2col-rqfast", "dsp-1x1-rqfast", "dsp-1x1-sparse"]
    else:
        path = _edited(_three_convs_model(), narrow_activation)
        expected = ["dsp-im2col", "dsp-1x1", "dsp-1x1-sparse"]
    _, variants = _variants(path, Target(get_board(board)))
    assert variants == expected
    r = run_tinyc("verify", path, "--board", board, "--samples", 5, "--json", timeout=900)
    assert r.returncode in (0, 1), r.stderr
    rep = json.loads(r.stdout)
    assert rep["samples"] == 5 and rep["mismatched_bytes"] == 0 and rep["bit_exact"], rep


@pytest.mark.slow
def test_weights_bytes_counts_the_arrays_written():
    """vww's pointwise layers go sparse on a DSP board: the build's weights are the arrays in
    the generated model.c (sparse taps, re-laid filters, channel tables), so the code is what
    the ELF's flash holds beside them, never 0."""
    import json

    from conftest import model, run_tinyc
    from tinyc.budget import weight_bytes
    path = model("vww_96_int8")
    g = load_model(path)
    r = run_tinyc("build", path, "--board", "mps2-an386", "--json", timeout=900)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    # 82.8 % of vww's weights are 0; the other ops' re-laid filters and per-channel tables
    # (depthwise, FC) are counted too, so well under the dense 219 KB but not under half
    assert 0 < rep["weights_bytes"] < weight_bytes(g) * 0.6
    assert rep["code_bytes"] > 0 and rep["flash_bytes"] > rep["weights_bytes"]


# Seconds per case (host builds under sanitizers, cross-compiles): the full suite runs them,
# the fast loop does not.
pytestmark = pytest.mark.slow
