"""DSP-extension kernels for FULLY_CONNECTED and DEPTHWISE_CONV_2D against TFLM, bit for bit.

On the host the DSP intrinsics are emulated in portable C (firmware/kernels/tinyc_simd.h), so
the sweeps run under ASan/UBSan; every case asserts the variant chosen, so a sweep cannot
silently fall back to the portable kernel. The QEMU checks run the same kernels on the board."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from bitexact import mismatches  # noqa: E402
from test_kernels_conv import DEPTHWISE, FC, POOL, _keras, _model  # noqa: E402

import tinyc.backends.native.ops  # noqa: E402,F401  (registers every lowering)
from tinyc.backends.native.debug_plan import NoReusePlan  # noqa: E402
from tinyc.backends.native.lower import LOWERINGS  # noqa: E402
from tinyc.backends.native.rules import NativeRules  # noqa: E402
from tinyc.backends.native.target import Target  # noqa: E402
from tinyc.boards import get_board  # noqa: E402
from tinyc.frontend import load_model  # noqa: E402

DSP = Target(get_board("host"), features=frozenset({"dsp"}))


DSP_RAM = replace(DSP, optimize="ram")     # the variants that need less memory


def dsp_mismatches(path, opcode: str, variant: str, target: Target = DSP) -> int:
    """Mismatched bytes vs TFLM with the DSP kernels, after asserting every `opcode` op
    takes `variant`."""
    g = load_model(path)
    chosen = [LOWERINGS[op.opcode].select(g, op, target).variant for op in g.ops
              if op.opcode == opcode]
    assert chosen and set(chosen) == {variant}, chosen
    return mismatches(path, samples=8, plan=NoReusePlan(g, NativeRules(target)))


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


@pytest.mark.parametrize("name", sorted(FC_DSP))
def test_fully_connected_dsp_without_scratch(name):
    """--optimize ram: the scratch-free twin (input words widened in the loop, the ragged
    last group once per row)."""
    assert dsp_mismatches(fc_model(name), "FULLY_CONNECTED", "dsp-direct", DSP_RAM) == 0



# (model, output (scale, zero point) or None, the kernel flavour emitted)
FC_FLAVOURS = [
    ("in13_out8_relu", None, "_rq_sat"),
    ("in13_out8_relu", (0.05, 10), "_rq"),                 # relu clamps at zero point 10
    ("no_bias_per_tensor_relu6", None, "_rq1_sat"),
    ("no_bias_per_tensor_relu6", (0.03, -20), "_rq1"),     # relu6 clamps at -20
    ("in3_out1_per_tensor", (2.5e-5, 0), ""),              # shift >= -1: generic
]


@pytest.mark.parametrize("direct", [False, True], ids=["scratch", "direct"])
@pytest.mark.parametrize("name,out_q,suffix", FC_FLAVOURS)
def test_fully_connected_dsp_flavours(name, out_q, suffix, direct):
    """Every compile-time flavour of the kernel and of its scratch-free twin (requantization
    table per channel or per tensor, SSAT or clamp, generic), bit-exact, the flavour asserted
    in the generated call."""
    from test_kernels_elementwise import edited

    from tinyc.backends.native.lower import LowerCtx, lower_op
    path = fc_model(name)
    if out_q:
        path = edited(path, f"fc-flavour-{out_q}", quant={"out": out_q})
    g = load_model(path)
    (op,) = [o for o in g.ops if o.opcode == "FULLY_CONNECTED"]
    target = DSP_RAM if direct else DSP
    ctx = LowerCtx(g, NoReusePlan(g, NativeRules(target)), get_board("host"))
    stem = "tinyc_fully_connected_s8_dsp" + ("_direct" if direct else "")
    assert lower_op(ctx, op).func == stem + suffix
    assert dsp_mismatches(path, "FULLY_CONNECTED", "dsp-direct" if direct else "dsp",
                          target) == 0


@pytest.mark.parametrize("out_scale", [5e-5, 2.5e-5, 8e-6])
def test_fully_connected_dsp_generic_requantization(out_scale):
    """Right shifts < 2 (or left shifts): the generic requantization instead of the table."""
    from test_kernels_elementwise import edited

    from tinyc.backends.native.ops.fully_connected import prepare
    from tinyc.backends.native.ops.requant_table import r2_table
    path = edited(fc_model("in33_out11_b2_relu6"), f"fc-out-{out_scale}",
                  quant={"out": (out_scale, -5)})
    g = load_model(path)
    (op,) = [o for o in g.ops if o.opcode == "FULLY_CONNECTED"]
    nums = prepare(g, op)
    assert r2_table(nums.mult, nums.shift) is None, nums.shift
    assert dsp_mismatches(path, "FULLY_CONNECTED", "dsp") == 0

# ---- DEPTHWISE_CONV_2D -----------------------------------------------------------------------

# Beyond test_kernels_conv.DEPTHWISE: every stride/padding the 3x3 path takes, channel counts
# below, at and past a multiple of four, per-tensor, batch 2, and the generic path's shapes.
DW_DSP = {
    "k3_s1_same_c8_relu6": (dict(kernel_size=3, padding="same", activation="relu6"),
                            (1, 7, 6, 8), True),
    "k3_s1_valid_c3": (dict(kernel_size=3), (1, 6, 7, 3), True),
    "k3_s2_same_even_c12": (dict(kernel_size=3, strides=2, padding="same"), (1, 8, 10, 12), True),
    "k3_s2_same_odd_c7_relu": (dict(kernel_size=3, strides=2, padding="same", activation="relu"),
                               (1, 9, 7, 7), True),
    "k3_s2_valid_c5": (dict(kernel_size=3, strides=2), (1, 9, 8, 5), True),
    "k3_s1_same_per_tensor_c9": (dict(kernel_size=3, padding="same"), (1, 6, 5, 9), False),
    "k3_s1_same_batch2_c6": (dict(kernel_size=3, padding="same", activation="relu"),
                             (2, 5, 6, 6), True),
    "k3_s1x2_same_c4": (dict(kernel_size=3, strides=(1, 2), padding="same"), (1, 6, 9, 4), True),
    "k5_s1_same_c6": (dict(kernel_size=5, padding="same", activation="relu"), (1, 8, 7, 6), True),
    "k3_s3_same_c4": (dict(kernel_size=3, strides=3, padding="same"), (1, 10, 11, 4), True),
    "k1x3_s1_valid_c10": (dict(kernel_size=(1, 3)), (1, 4, 9, 10), False),
    "k3_d2_same_c8": (dict(kernel_size=3, dilation_rate=2, padding="same"), (1, 9, 10, 8), True),
    "dm4_k3_s2_same_c3_relu": (dict(kernel_size=3, strides=2, depth_multiplier=4,
                                    padding="same", activation="relu"), (1, 9, 8, 3), True),
    "dm8_k3_s2_valid_c1_per_tensor": (dict(kernel_size=3, strides=2, depth_multiplier=8),
                                      (1, 11, 10, 1), False),
    "dm4_k5_s1_same_c2_batch2": (dict(kernel_size=5, depth_multiplier=4, padding="same"),
                                 (2, 6, 7, 2), True),
}

DW_ALL = {**{f"conv_{k}": v for k, v in DEPTHWISE.items()}, **DW_DSP}


def dw_variant(kw: dict, shape) -> str | None:
    """The DSP variant the case must take (None: depth multipliers 2, 3, ... stay portable)."""
    dm = kw.get("depth_multiplier", 1)
    if dm % 4 == 0:
        return "dsp_mult"
    if dm != 1:
        return None
    k = kw["kernel_size"]
    k = (k, k) if isinstance(k, int) else tuple(k)
    s = kw.get("strides", 1)
    s = (s, s) if isinstance(s, int) else tuple(s)
    if k == (3, 3) and set(s) <= {1, 2} and kw.get("dilation_rate", 1) == 1:
        return "dsp_3x3"
    return "dsp"


@pytest.mark.parametrize("name", sorted(DW_ALL))
def test_depthwise_dsp(name):
    kw, shape, per_channel = DW_ALL[name]
    path = _model("dw", name.removeprefix("conv_"), DW_ALL[name],
                  lambda x, kw=kw: _keras().DepthwiseConv2D(**kw)(x), shape, seed=2,
                  per_channel=per_channel)
    variant = dw_variant(kw, shape)
    if variant is None:
        g = load_model(path)
        assert {LOWERINGS[op.opcode].select(g, op, DSP).variant for op in g.ops
                if op.opcode == "DEPTHWISE_CONV_2D"} == {"portable"}
        assert mismatches(path, samples=4, plan=NoReusePlan(g, NativeRules(DSP))) == 0
        return
    assert dsp_mismatches(path, "DEPTHWISE_CONV_2D", variant) == 0



def dw_model(name):
    kw, shape, per_channel = DW_ALL[name]
    return _model("dw", name.removeprefix("conv_"), DW_ALL[name],
                  lambda x, kw=kw: _keras().DepthwiseConv2D(**kw)(x), shape, seed=2,
                  per_channel=per_channel)


# (case, output (scale, zero point) or None, the kernel entry emitted)
DW_FLAVOURS = [
    ("k3_s1_valid_c3", None, "tinyc_depthwise_conv2d_s8_dsp_3x3_rq_sat"),
    ("k3_s2_same_odd_c7_relu", (0.05, 10), "tinyc_depthwise_conv2d_s8_dsp_3x3_rq"),
    ("k5_s1_same_c6", None, "tinyc_depthwise_conv2d_s8_dsp_rq_sat"),
    ("k5_s1_same_c6", (0.04, 9), "tinyc_depthwise_conv2d_s8_dsp_rq"),
    ("dm4_k3_s2_same_c3_relu", None, "tinyc_depthwise_conv2d_s8_dsp_mult_rq_sat"),
    ("dm4_k3_s2_same_c3_relu", (0.05, 10), "tinyc_depthwise_conv2d_s8_dsp_mult_rq"),
    ("dm4_k3_s2_same_c3_relu", (4e-5, 10), "tinyc_depthwise_conv2d_s8_dsp_mult"),
]


@pytest.mark.parametrize("name,out_q,func", DW_FLAVOURS)
def test_depthwise_dsp_flavours(name, out_q, func):
    """Every compile-time flavour (requantization table or generic, SSAT or clamp) of each
    entry, bit-exact, the entry asserted in the generated call."""
    from test_kernels_elementwise import edited

    from tinyc.backends.native.lower import LowerCtx, lower_op
    path = dw_model(name)
    if out_q:
        path = edited(path, f"dw-flavour-{out_q}", quant={"out": out_q})
    g = load_model(path)
    (op,) = [o for o in g.ops if o.opcode == "DEPTHWISE_CONV_2D"]
    ctx = LowerCtx(g, NoReusePlan(g, NativeRules(DSP)), get_board("host"))
    assert lower_op(ctx, op).func == func
    variant = LOWERINGS[op.opcode].select(g, op, DSP).variant
    assert dsp_mismatches(path, "DEPTHWISE_CONV_2D", variant) == 0


@pytest.mark.parametrize("out_scale", [6e-5, 3e-5, 1e-5])
def test_depthwise_dsp_generic_requantization(out_scale):
    """A small output scale makes right shifts < 2 (or left shifts): the kernel then takes the
    generic requantization instead of the precomputed tinyc_requant_r2 table."""
    from test_kernels_elementwise import edited

    from tinyc.backends.native.ops.depthwise_conv2d import prepare
    from tinyc.backends.native.ops.requant_table import r2_table
    kw, shape, per_channel = DW_DSP["k3_s1_same_c8_relu6"]
    kw = {**kw, "activation": None}
    base = _model("dw", "k3_s1_same_c8", repr(kw), lambda x, kw=kw: _keras().DepthwiseConv2D(**kw)(x),
                  shape, seed=2, per_channel=per_channel)
    path = edited(base, f"dw-out-{out_scale}", quant={"out": (out_scale, 3)})
    g = load_model(path)
    (op,) = [o for o in g.ops if o.opcode == "DEPTHWISE_CONV_2D"]
    nums = prepare(g, op)
    assert r2_table(nums.mult, nums.shift) is None
    assert dsp_mismatches(path, "DEPTHWISE_CONV_2D", "dsp_3x3") == 0

# ---- ADD (same shapes): the term tables ------------------------------------------------------

def test_add_dsp_sweeps():
    """Every int8 value of both inputs, fused activations, unequal scales and extreme zero
    points (test_kernels_elementwise's cases), with the variant asserted."""
    from test_kernels_elementwise import BINARY_QUANT, SHAPES, binary_model, edited, \
        sweep_mismatches
    same = SHAPES[0]
    cases = [binary_model("ADD", None, same), binary_model("ADD", "RELU", same, (-4.0, 4.0)),
             binary_model("ADD", "RELU6", same, (-4.0, 4.0))]
    cases += [edited(binary_model("ADD", None, same), "ADD-q",
                     quant={"in0": q[0], "in1": q[1], "out": q[2]}) for q in BINARY_QUANT]
    broadcast = binary_model("ADD", None, SHAPES[1])
    for path in cases + [broadcast]:
        g = load_model(path)
        (op,) = [o for o in g.ops if o.opcode == "ADD"]
        want = "portable" if path == broadcast else "dsp"
        assert LOWERINGS["ADD"].select(g, op, DSP).variant == want
        assert sweep_mismatches(path, samples=3, rules=NativeRules(DSP)) == 0, path.name


# ---- requantization: the fast form against the reference form, on many values ----------------

REQUANT_C = r"""
#include "tinyc_kernel.h"
int32_t count_requantize_differences(const int32_t *x, const int32_t *m, const int32_t *s, int32_t n)
{
    int32_t bad = 0;
    for (int32_t i = 0; i < n; i++) {
        const int32_t want = tinyc_requantize(x[i], m[i], s[i]);
        bad += tinyc_requantize_fast(x[i], m[i], s[i]) != want;
        if (s[i] <= -2) {
            const tinyc_requant_r2 q = {m[i], 1 << (-s[i] - 2), -s[i] - 1};
            bad += tinyc_requantize_r2(x[i], &q) != want;
        }
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
    # exact ties of both roundings: multipliers 0.5 and 0.75 times small accumulators
    ties = slice(n - n // 8, n)
    m[ties] = rng.choice([1 << 30, 3 << 29], n // 8)
    x[ties] = rng.integers(-5000, 5000, n // 8)
    s[ties] = rng.integers(-12, 2, n // 8)
    args = [np.ascontiguousarray(a, np.int32) for a in (x, m, s)]
    f = lib.count_requantize_differences
    f.restype = ctypes.c_int32
    assert f(*[a.ctypes.data_as(ctypes.c_void_p) for a in args], n) == 0


# ---- on the board: QEMU, the DSP instructions themselves ------------------------------------

def _chain(x):
    """Every DSP variant of this module in one small model: 3x3 depthwise (dsp_3x3), 5x5
    depthwise (generic dsp), then a dense layer (dsp)."""
    k = _keras()
    y = k.DepthwiseConv2D(3, strides=2, padding="same", activation="relu")(x)
    y = k.DepthwiseConv2D(5, padding="same")(y)
    return k.Dense(11, activation="relu6")(k.Flatten()(y))


def _verify_json(path, board, *extra):
    import json

    from conftest import run_tinyc
    r = run_tinyc("verify", path, "--board", board, "--samples", 3, "--profile", "--json", *extra,
                  timeout=900)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("board", ["mps2-an386", "mps2-an500", "mps2-an505"])
def test_dsp_variants_bit_exact_on_board(board):
    path = _model("dsp_chain", "all", "dw3-dw5-fc", _chain, (1, 12, 10, 7), seed=4)
    rep = _verify_json(path, board)
    assert rep["bit_exact"] and rep["mismatched_bytes"] == 0, rep
    # a backward twin (same loop, run from the end: the plan put the output above the input)
    # counts as its variant
    kinds = {(p["op"], (p["variant"] or "").removesuffix("-backward")) for p in rep["profile"]}
    assert {("DEPTHWISE_CONV_2D", "dsp_3x3"), ("DEPTHWISE_CONV_2D", "dsp"),
            ("FULLY_CONNECTED", "dsp")} <= kinds, kinds


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("kernels", ["auto", "portable"])
def test_ad01_on_cortex_m33(kernels):
    from conftest import model
    rep = _verify_json(model("ad01_int8"), "mps2-an505", "--kernels", kernels)
    assert rep["bit_exact"] and rep["board"] == "mps2-an505", rep
    # balanced takes the scratch-free DSP twin for the FC at the peak (ram_only)
    want = {"dsp", "dsp-direct"} if kernels == "auto" else {"portable"}
    variants = {p["variant"] for p in rep["profile"]}
    assert variants <= want and sorted(want)[0] in variants, variants
    # the profile's added fields: shares of the total, instructions per MAC
    assert rep["profile_total"] == sum(p["instructions"] for p in rep["profile"])
    assert abs(sum(p["share"] for p in rep["profile"]) - 1) < 1e-9
    for p in rep["profile"]:
        assert p["macs"] > 0 and p["instructions_per_mac"] == p["instructions"] / p["macs"]


# ---- benchmarks/RESULTS.md ------------------------------------------------------------------

def test_bench_markdown_table():
    from tinyc.bench_report import load_reference, markdown, top_ops
    ref = load_reference(Path(__file__).parent.parent / "benchmarks" / "tflm_cmsis_nn.toml")
    assert ref["ad01_int8"]["instructions"] == 583_000
    prof = [{"index": 0, "op": "FULLY_CONNECTED", "instructions": 300, "share": 0.75,
             "macs": 100, "instructions_per_mac": 3.0, "variant": "dsp"},
            {"index": 1, "op": "SOFTMAX", "instructions": 100, "share": 0.25, "macs": 0,
             "instructions_per_mac": None, "variant": None}]
    row = {"model": "../shared/models/mlperf_tiny/ad01_int8.tflite", "macs": 100,
           "instructions_per_inference": 291_500, "ram_bytes": 1, "flash_bytes": 2,
           "code_bytes": 3, "bit_exact": True, "top_ops": top_ops(prof, "instructions")}
    text = markdown([row], get_board("mps2-an386"), "tinyc bench x", "gcc 1", ["-O2"], ref)
    line = next(ln for ln in text.splitlines() if ln.startswith("| ad01_int8"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[:9] == ["ad01_int8", "100", "0.291 M", "2915.00", "1", "2", "3", "0.583 M",
                         "0.50"]
    assert cells[10].startswith("0 FULLY_CONNECTED dsp (75%, 3.00)")
    assert "`tinyc bench x`" in text and "`-O2`" in text


def test_bench_markdown_ram_table():
    """The RAM section: arena, model RAM, both bounds, TFLM's own 32-bit arena, the ratio, and
    the geometric mean and maximum of the ratio over the models TFLM's arena is known for."""
    from tinyc.bench_report import markdown
    base = {"macs": 1, "instructions_per_inference": 1, "ram_bytes": 1, "flash_bytes": 1,
            "code_bytes": 1, "bit_exact": True}
    rows = [{**base, "model": "a.tflite", "arena_bytes": 960, "model_ram_bytes": 1_000,
             "lower_bound_bytes": 900, "lower_bound_without_overlap_bytes": 1_500,
             "tflm_own_arena_bytes": 4_000},
            {**base, "model": "b.tflite", "arena_bytes": 9_000, "model_ram_bytes": 9_000,
             "lower_bound_bytes": 9_000, "lower_bound_without_overlap_bytes": 12_000,
             "tflm_own_arena_bytes": 10_000},
            {**base, "model": "lstm.tflite", "arena_bytes": 64, "model_ram_bytes": 64,
             "lower_bound_bytes": 64, "lower_bound_without_overlap_bytes": 64,
             "tflm_own_arena_bytes": None}]
    text = markdown(rows, get_board("mps2-an386"), "tinyc bench x", "gcc 1", ["-O2"])
    ram = text.split("## RAM", 1)[1]
    cells = {ln.strip("|").split("|")[0].strip(): [c.strip() for c in ln.strip("|").split("|")]
             for ln in ram.splitlines() if ln.startswith("| ") and "model" not in ln}
    assert cells["a"] == ["a", "960", "1,000", "900", "1,500", "4,000", "0.25"]
    assert cells["b"][5:] == ["10,000", "0.90"]
    assert cells["lstm"][5:] == ["-", "-"]
    assert "32-bit" in ram
    # sqrt(0.25 * 0.90) = 0.474
    assert "geometric mean 0.47 over 2 models" in ram and "max 0.90 (b)" in ram


# ---- AVERAGE_POOL_2D -------------------------------------------------------------------------

# Beyond test_kernels_conv.POOL: channel counts past a multiple of four, kws's global average
# (a 25x5 window over 64 channels), padding that clips windows, batch 2.
AVG_DSP = {
    "avg_global_25x5_c12": ("AveragePooling2D", dict(pool_size=(25, 5)), (1, 25, 5, 12)),
    "avg_3_s2_same_c9": ("AveragePooling2D", dict(pool_size=3, strides=2, padding="same"),
                         (1, 9, 10, 9)),
    "avg_2_s1_valid_c8_batch2": ("AveragePooling2D", dict(pool_size=2, strides=1),
                                 (2, 5, 6, 8)),
    "avg_16x16_c4": ("AveragePooling2D", dict(pool_size=16), (1, 16, 16, 4)),
}
POOL_ALL = {**{f"conv_{k}": v for k, v in POOL.items()}, **AVG_DSP}


@pytest.mark.parametrize("name", sorted(POOL_ALL))
def test_pool_dsp(name):
    cls, kw, shape = POOL_ALL[name]
    path = _model("pool", name.removeprefix("conv_"), POOL_ALL[name],
                  lambda x, cls=cls, kw=kw: getattr(_keras(), cls)(**kw)(x), shape, seed=3)
    if cls == "AveragePooling2D":
        assert dsp_mismatches(path, "AVERAGE_POOL_2D", "dsp") == 0
    else:
        assert dsp_mismatches(path, "MAX_POOL_2D", "portable") == 0


# ---- scratch twins: choose's scratch_bytes equals the C *_scratch_size -----------------------

def test_dsp_scratch_twins():
    import ctypes
    import tempfile

    from test_kernels_conv import ChannelQuant, DepthwiseParams, _fill, _i32

    from tinyc.backends.native.codegen import KERNELS_DIR
    from tinyc.backends.native.lower import LowerCtx, lower_op
    from tinyc.hostlib import compile_shared

    class FullyConnectedParams(ctypes.Structure):
        _fields_ = (_i32("batches", "in_features", "out_features", "input_offset",
                         "output_offset", "act_min", "act_max", "per_channel")
                    + [("quant", ChannelQuant)])

    out = Path(tempfile.mkdtemp(prefix="tinyc-kt-")) / "libdsp.so"
    lib = ctypes.CDLL(str(compile_shared(
        [KERNELS_DIR / "fully_connected_s8_dsp.c", KERNELS_DIR / "depthwise_conv2d_s8_dsp.c"],
        [KERNELS_DIR], out)))
    twins = {"FULLY_CONNECTED": (FullyConnectedParams, "tinyc_fully_connected_s8_dsp"),
             "DEPTHWISE_CONV_2D": (DepthwiseParams, "tinyc_depthwise_conv2d_s8_dsp")}
    paths = [fc_model(n) for n in ("in13_out8_relu", "in33_out11_b2_relu6", "in3_out1_per_tensor")]
    paths += [dw_model(n) for n in ("k3_s1_valid_c3", "k5_s1_same_c6", "dm4_k3_s2_same_c3_relu")]
    checked = 0
    for path in paths:
        g = load_model(path)
        ctx = LowerCtx(g, NoReusePlan(g, NativeRules(DSP)), get_board("host"))
        for op in g.ops:
            if op.opcode not in twins:
                continue
            cls, fn = twins[op.opcode]
            lower_op(ctx, op)
            params = cls()
            _fill(params, ctx.params_decls[-1].fields)
            cfun = getattr(lib, fn + "_scratch_size")
            cfun.restype, cfun.argtypes = ctypes.c_int32, [ctypes.POINTER(cls)]
            want = LOWERINGS[op.opcode].select(g, op, DSP).scratch_bytes
            assert want > 0 and cfun(ctypes.byref(params)) == want, (path.name, op.opcode)
            checked += 1
    assert checked == len(paths)


# Seconds per case (host builds under sanitizers, cross-compiles): the full suite runs them,
# the fast loop does not.
pytestmark = pytest.mark.slow
