"""ABS, RSQRT, MAXIMUM, MINIMUM, PRELU, SQUARED_DIFFERENCE, L2_NORMALIZATION, BATCH_MATMUL,
LOG_SOFTMAX and DIV: tinyc's native kernels against the TFLM interpreter, byte for byte (unary
ops on all 256 int8 inputs, binary ones over broadcast shapes), with scales and zero points
edited to reach the branches a representative dataset would not."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from modelgen import _tf, int8_fn_model, int8_model, lazy, lazy_tf
from test_kernels_elementwise import SHAPES, edited, opcodes, sweep_mismatches
from tinyc.backends.native.debug_plan import NoReusePlan
from tinyc.backends.native.ops.abs_rsqrt import inv_sqrt_multiplier_exp
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.errors import TinycError
from tinyc.frontend import load_model
from tinyc.hostlib import build_host_model
from tinyc.reference import tflm_outputs


def abs_model():
    return int8_fn_model("math_abs", lambda x: _tf().abs(x), [(1, 256)], rep_range=(-2, 1))


def rsqrt_model():
    return int8_fn_model("math_rsqrt", lambda x: _tf().math.rsqrt(x), [(1, 256)],
                         rep_range=(0.01, 4))


ABS = [("as-converted", None), ("same-scale", {"in0": (0.02, 5), "out": (0.02, -100)}),
       ("rescale-up", {"in0": (0.05, -128), "out": (0.01, -128)}),
       ("rescale-down", {"in0": (0.003, 40), "out": (0.02, -7)}),
       ("saturate", {"in0": (0.1, 0), "out": (0.1, 100)})]


@pytest.mark.parametrize("tag,quant", ABS, ids=[c[0] for c in ABS])
def test_abs_all_256_inputs(tag, quant):
    path = edited(abs_model(), tag, quant=quant) if quant else abs_model()
    assert opcodes(path) == ["ABS"]
    assert sweep_mismatches(path) == 0


# RSQRT inputs must not be below the input zero point (TFLM fails the invoke): zp = -128
RSQRT = [("as-converted", None), ("wide", {"in0": (0.05, -128), "out": (0.01, -128)}),
         ("tiny-inputs", {"in0": (0.0005, -128), "out": (0.5, -128)}),
         ("big-inputs", {"in0": (20.0, -128), "out": (0.0004, -100)})]


@pytest.mark.parametrize("tag,quant", RSQRT, ids=[c[0] for c in RSQRT])
def test_rsqrt_all_256_inputs(tag, quant):
    path = edited(rsqrt_model(), tag, quant=quant) if quant else rsqrt_model()
    assert opcodes(path) == ["RSQRT"]
    assert sweep_mismatches(path) == 0


def test_rsqrt_input_below_zero_point_fails_the_invoke_as_tflm():
    path = edited(rsqrt_model(), "zp0", quant={"in0": (0.02, 0), "out": (0.01, -128)})
    g = load_model(path)
    m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES),
                         Path(tempfile.mkdtemp(prefix="tinyc-kt-")))
    ok = np.arange(256).reshape(1, 256) % 100
    assert m.run([ok.astype(np.int8)])[0].shape == (1, 256)
    with pytest.raises(TinycError, match="tinyc_invoke"):
        m.run([(ok - 1).astype(np.int8)])


def test_inv_sqrt_of_large_values():
    """The loop that divides by 4 (inputs >= 2^29) is not reached by int8 tables."""
    assert inv_sqrt_multiplier_exp(1) == (2**31 - 1, 0)
    m, s = inv_sqrt_multiplier_exp(1 << 30)
    assert abs(m * 2.0 ** (s - 31) - 2 ** -15) < 1e-9     # 1/sqrt(2^30), left shift s


def _minmax(kind):
    tf = _tf()
    return tf.maximum if kind == "MAXIMUM" else tf.minimum


@pytest.mark.parametrize("kind", ["MAXIMUM", "MINIMUM"])
@pytest.mark.parametrize("shapes", SHAPES, ids=["x".join("-".join(map(str, s)) for s in sh)
                                                 for sh in SHAPES])
def test_maximum_minimum(kind, shapes):
    tag = "_".join("x".join(map(str, s)) for s in shapes)
    path = int8_fn_model(f"math_{kind.lower()}_{tag}", lambda x, y: _minmax(kind)(x, y), shapes)
    assert kind in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


def test_maximum_with_constant_operand():
    """ReLU-like max(x, c) against a constant tensor (broadcast from flash)."""
    path = int8_fn_model("math_max_const", lambda x: _tf().maximum(x, _tf().constant(
        np.linspace(-0.5, 0.5, 7, dtype=np.float32))), [(1, 3, 7)])
    assert "MAXIMUM" in opcodes(path)
    assert sweep_mismatches(path) == 0


def prelu_model(shape, shared_axes):
    tf = lazy_tf()
    init = lazy(lambda: tf.keras.initializers.RandomUniform(-0.8, 1.5, seed=3))
    return int8_model(f"math_prelu_{'x'.join(map(str, shape))}_{shared_axes}",
                      lambda x: tf.keras.layers.PReLU(alpha_initializer=init,
                                                      shared_axes=shared_axes)(x),
                      [shape], rep_range=(-2, 2))


PRELU = [((1, 4, 5, 3), None), ((1, 4, 5, 3), [1, 2]), ((2, 6, 7), [1]), ((1, 9), None)]


@pytest.mark.parametrize("shape,shared", PRELU, ids=[f"{'x'.join(map(str, s))}-{a}"
                                                     for s, a in PRELU])
def test_prelu(shape, shared):
    path = prelu_model(shape, shared)
    assert opcodes(path) == ["PRELU"]
    assert sweep_mismatches(path, samples=4) == 0


@pytest.mark.parametrize("q", [{"in0": (0.05, -128), "out": (0.01, 20)},
                               {"in0": (0.01, 100), "in1": (0.2, -50), "out": (0.03, -3)}])
def test_prelu_quantization(q):
    path = edited(prelu_model((1, 4, 5, 3), [1, 2]), "prelu-q", quant=q)
    assert sweep_mismatches(path, samples=4) == 0


# the converter lowers a 5-D squared difference to float SUB + SQUARE: up to 4-D here
@pytest.mark.parametrize("shapes", SHAPES[:-1], ids=["x".join("-".join(map(str, s)) for s in sh)
                                                     for sh in SHAPES[:-1]])
def test_squared_difference(shapes):
    tag = "_".join("x".join(map(str, s)) for s in shapes)
    path = int8_fn_model(f"math_sqdiff_{tag}", lambda x, y: _tf().math.squared_difference(x, y),
                         shapes)
    assert "SQUARED_DIFFERENCE" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


@pytest.mark.parametrize("q", [((0.01, 0), (0.1, 0), (0.05, -128)),
                               ((0.2, -128), (0.003, 127), (0.5, -20)),
                               ((0.05, 17), (0.05, -33), (0.001, 90))])
def test_squared_difference_quantization(q):
    base = int8_fn_model("math_sqdiff_q", lambda x, y: _tf().math.squared_difference(x, y),
                         SHAPES[1])
    path = edited(base, "sqdiff-q", quant={"in0": q[0], "in1": q[1], "out": q[2]})
    assert opcodes(path) == ["SQUARED_DIFFERENCE"]
    assert sweep_mismatches(path, samples=4) == 0


L2 = [((1, 16), None), ((2, 3, 7), None), ((1, 4, 5, 40), None),
      ((3, 9), {"in0": (0.5, 90)}), ((3, 9), {"in0": (0.001, -128)}),
      ((1, 300), {"in0": (0.02, 3)})]


@pytest.mark.parametrize("shape,quant", L2, ids=[f"{'x'.join(map(str, s))}-{q}" for s, q in L2])
def test_l2_normalization(shape, quant):
    path = int8_fn_model(f"math_l2norm_{'x'.join(map(str, shape))}",
                         lambda x: _tf().math.l2_normalize(x, axis=-1), [shape])
    assert opcodes(path) == ["L2_NORMALIZATION"]
    if quant:
        path = edited(path, "l2-q", quant=quant)
    assert sweep_mismatches(path, samples=6) == 0


def test_l2_normalization_large_sums():
    """Sums of squares past 2^29, where TFLM's inverse square root first divides by 4."""
    path = edited(int8_fn_model("math_l2norm_1x9000", lambda x: _tf().math.l2_normalize(
        x, axis=-1), [(1, 9000)]), "l2-big", quant={"in0": (0.01, -128)})
    g = load_model(path)
    m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES),
                         Path(tempfile.mkdtemp(prefix="tinyc-kt-")))
    rng = np.random.default_rng(4)
    xs = [[np.full((1, 9000), 127, np.int8)], [rng.integers(100, 128, (1, 9000)).astype(np.int8)]]
    assert int(((np.int32(xs[0][0]) + 128) ** 2).sum()) >= 1 << 29
    for x, r in zip(xs, tflm_outputs(g, xs)):
        assert np.array_equal(m.run(x)[0], r[0])


# (lhs shape, rhs shape, adj_x, adj_y)
MATMUL = [((1, 4, 6), (1, 6, 5), False, False), ((2, 3, 7), (2, 5, 7), False, True),
          ((2, 7, 3), (2, 7, 5), True, False), ((3, 4), (4, 2), False, False),
          ((2, 1, 3, 4), (1, 3, 4, 5), False, False), ((2, 6, 4), (4, 3), False, False)]


@pytest.mark.parametrize("ls,rs,ax,ay", MATMUL,
                         ids=[f"{'x'.join(map(str, a))}-{'x'.join(map(str, b))}-{x:d}{y:d}"
                              for a, b, x, y in MATMUL])
def test_batch_matmul(ls, rs, ax, ay):
    path = int8_fn_model(f"math_bmm_{ls}_{rs}_{ax}_{ay}", lambda a, b: _tf().linalg.matmul(
        a, b, adjoint_a=ax, adjoint_b=ay), [ls, rs])
    assert "BATCH_MATMUL" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


@pytest.mark.parametrize("q", [{"in0": (0.05, -128), "in1": (0.02, 40), "out": (0.3, 10)},
                               {"in0": (0.003, 90), "in1": (0.5, -7), "out": (0.01, -100)}])
def test_batch_matmul_quantization(q):
    path = int8_fn_model("math_bmm_q", lambda a, b: _tf().linalg.matmul(a, b),
                         [(2, 3, 7), (2, 7, 5)])
    path = edited(path, "bmm-q", quant=q)
    assert opcodes(path) == ["BATCH_MATMUL"]
    assert sweep_mismatches(path, samples=4) == 0


LOGSM = [((3, 17), None), ((1, 3, 5, 10), None), ((2, 300), {"in0": (0.05, 0)}),
         ((3, 17), {"in0": (0.0625, 10)}), ((3, 17), {"in0": (0.5, 0)}),
         ((3, 17), {"in0": (0.002, -128)}), ((1, 1), None), ((4, 40), {"in0": (0.2, 60)})]


@pytest.mark.parametrize("shape,quant", LOGSM,
                         ids=[f"{'x'.join(map(str, s))}-{q}" for s, q in LOGSM])
def test_log_softmax(shape, quant):
    path = int8_fn_model(f"math_logsm_{'x'.join(map(str, shape))}",
                         lambda x: _tf().nn.log_softmax(x, axis=-1), [shape], rep_range=(-4, 4))
    assert opcodes(path) == ["LOG_SOFTMAX"]
    if quant:
        path = edited(path, "logsm-q", quant=quant)
    assert sweep_mismatches(path, samples=6) == 0


def test_log_softmax_bad_output_quant_is_one_line_error():
    path = edited(int8_fn_model("math_logsm_3x17", lambda x: _tf().nn.log_softmax(x, axis=-1),
                                [(3, 17)], rep_range=(-4, 4)), "logsm-bad",
                  quant={"out": (0.1, 0)})
    with pytest.raises(TinycError, match=r"^op 0 LOG_SOFTMAX: int8 output must have scale"):
        sweep_mismatches(path, samples=1)


def div_mismatches(path, seed=0, samples=8) -> int:
    """Mismatched bytes over random inputs whose divisor never equals its zero point (TFLM
    leaves a zero divisor undefined), every dividend value swept."""
    g = load_model(path)
    op = next(o for o in g.ops if o.opcode == "DIV")
    m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES),
                         Path(tempfile.mkdtemp(prefix="tinyc-kt-")), sanitize=True)
    rng = np.random.default_rng(seed)
    xs = []
    for k in range(samples):
        x = []
        for i, t in zip(g.inputs, g.input_tensors()):
            v = rng.integers(-128, 128, t.shape)
            if i == op.inputs[0] and k == 0:
                v = (np.arange(t.elements) % 256 - 128).reshape(t.shape)
            if i == op.inputs[1]:
                z = int(t.quant.zero_point[0])
                v = np.where(v == z, z + (1 if z < 127 else -1), v)
            x.append(v.astype(np.int8))
        xs.append(x)
    bad = 0
    for x, r in zip(xs, tflm_outputs(g, xs)):
        bad += sum(int(np.count_nonzero(a != b)) for a, b in zip(m.run(x), r))
    return bad


def div_model():
    return int8_fn_model("math_div_q", lambda x, y: x / y, SHAPES[1], rep_range=(0.5, 2))


@pytest.mark.parametrize("shapes", SHAPES[:-1], ids=["x".join("-".join(map(str, s)) for s in sh)
                                                     for sh in SHAPES[:-1]])
def test_div(shapes):
    tag = "_".join("x".join(map(str, s)) for s in shapes)
    path = int8_fn_model(f"math_div_{tag}", lambda x, y: x / (y + 2.5), shapes)
    assert "DIV" in opcodes(path)
    assert div_mismatches(path) == 0


DIV_Q = [((0.01, 0), (0.1, 0), (0.05, -128)), ((0.2, -128), (0.003, 127), (0.5, -20)),
         ((0.05, 17), (0.05, -33), (0.001, 90)), ((0.5, 3), (0.004, -2), (50.0, 0)),
         ((0.3, -1), (0.02, 5), (1.5, 0)), ((0.1, 0), (0.1, 0), (0.1, 0))]


@pytest.mark.parametrize("q", DIV_Q, ids=[f"q{i}" for i in range(len(DIV_Q))])
def test_div_quantization(q):
    path = edited(div_model(), "div-q", quant={"in0": q[0], "in1": q[1], "out": q[2]})
    assert opcodes(path) == ["DIV"]
    assert div_mismatches(path) == 0


@pytest.mark.parametrize("zeros", ["every", "last"])
def test_div_by_zero_fails_the_invoke(zeros):
    g = load_model(div_model())
    m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES),
                         Path(tempfile.mkdtemp(prefix="tinyc-kt-")))
    x = [np.ones(t.shape, np.int8) * int(t.quant.zero_point[0]) for t in g.input_tensors()]
    if zeros == "last":   # one zero divisor, after every other element is computed
        zp = int(g.input_tensors()[1].quant.zero_point[0])
        divisor = np.full(x[1].shape, zp + 1 if zp < 127 else zp - 1, np.int8)
        divisor.flat[-1] = zp
        x[1] = divisor
    with pytest.raises(TinycError, match="tinyc_invoke"):
        m.run(x)


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
