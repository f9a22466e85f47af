"""TFLM's int16x8 scheme (16-bit activations, 8-bit weights, int64 biases): tinyc's int16
kernels against the TFLM interpreter, byte for byte, on small models TensorFlow converts with
fixed seeds, and on SEANet's int16 layers from TFLM's integration tests."""
from __future__ import annotations

import pytest

from bitexact import mismatches
from conftest import model
from modelgen import int16x8_model
from tinyc.frontend import load_model


def _tf():
    from modelgen import _tf as tf
    return tf()


def _ops(path):
    g = load_model(path)
    return [op.opcode for op in g.ops], g


CONV = [  # name, input shape, filters, kernel, strides, padding, dilation, groups
    ("c3x3_same", (1, 9, 11, 3), 5, (3, 3), (1, 1), "same", 1),
    ("c5x4_s2_valid", (1, 12, 13, 7), 3, (5, 4), (2, 2), "valid", 1),
    ("c_dil2", (1, 10, 10, 2), 9, (3, 3), (1, 1), "same", 2),
    ("c1x1", (2, 4, 5, 17), 11, (1, 1), (1, 1), "valid", 1),
    ("c7x7_seanet", (1, 8, 40, 2), 8, (7, 7), (1, 1), "valid", 1),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,shape,filters,kernel,strides,padding,dil", CONV,
                         ids=[c[0] for c in CONV])
def test_conv2d_int16x8(name, shape, filters, kernel, strides, padding, dil):
    def build(x):
        tf = _tf()
        return tf.keras.layers.Conv2D(filters, kernel, strides, padding, dilation_rate=dil)(x)
    path = int16x8_model(f"s16_{name}", build, [shape], rep_range=(-3, 5))
    ops, g = _ops(path)
    assert ops == ["CONV_2D"] and g.input_tensors()[0].dtype == "int16"
    assert mismatches(path, samples=4) == 0


@pytest.mark.slow
def test_conv2d_int16x8_relu():
    def build(x):
        tf = _tf()
        return tf.keras.layers.Conv2D(6, 3, activation="relu")(x)
    path = int16x8_model("s16_conv_relu", build, [(1, 7, 7, 5)], rep_range=(-2, 2))
    assert _ops(path)[0] == ["CONV_2D"]
    assert mismatches(path, samples=4) == 0


SEANET = ["seanet_conv0_int16", "seanet_leaky_relu0_int16", "seanet_add0_int16",
          "seanet_transpose_conv4_int16"]


@pytest.mark.parametrize("name", SEANET)
def test_seanet_layers_bit_exact_on_host(name):
    assert mismatches(model(name), samples=5) == 0


def _leaky(alpha):
    def build(x):
        tf = _tf()
        return tf.keras.layers.LeakyReLU(alpha)(x)
    return build


@pytest.mark.slow
@pytest.mark.parametrize("alpha", [0.2, 0.01, 1.7])
def test_leaky_relu_int16(alpha):
    path = int16x8_model(f"s16_leaky_{alpha}", _leaky(alpha), [(1, 3, 5, 7)], rep_range=(-4, 3))
    assert _ops(path)[0] == ["LEAKY_RELU"]
    assert mismatches(path, samples=4) == 0


@pytest.mark.parametrize("q_in,q_out,alpha", [
    ((0.0017, 0), (0.0017, 0), 0.3), ((0.001, 1200), (0.0031, -20000), 0.3),
    ((0.0005, -30000), (0.002, 32000), -0.5), ((0.01, 7), (0.0004, 3), 2.5)])
def test_leaky_relu_int16_zero_points_and_alphas(q_in, q_out, alpha):
    from test_kernels_elementwise import edited
    path = edited(model("seanet_leaky_relu0_int16"), "lr16", quant={"in0": q_in, "out": q_out},
                  options={"alpha": alpha})
    assert mismatches(path, samples=4) == 0


def _add(a, b):
    tf = _tf()
    return tf.keras.layers.Add()([a, b])


@pytest.mark.slow
@pytest.mark.parametrize("shapes", [[(1, 4, 5, 3), (1, 4, 5, 3)], [(1, 4, 5, 3), (1, 1, 5, 1)]],
                         ids=["same", "broadcast"])
def test_add_int16(shapes):
    path = int16x8_model(f"s16_add_{len(shapes[1])}_{shapes[1][1]}", _add, shapes,
                         rep_range=(-3, 2))
    assert _ops(path)[0] == ["ADD"]
    assert mismatches(path, samples=4) == 0


@pytest.mark.parametrize("q1,q2,qo,act", [
    ((0.0006, 0), (0.0008, 0), (0.001, 0), "NONE"),
    ((0.0006, 3000), (0.0002, -12000), (0.0011, 250), "NONE"),
    ((0.001, -32768), (0.001, 32767), (0.0021, 0), "RELU"),
    ((0.00002, 5), (0.003, -7), (0.0004, 9), "RELU6")])
def test_add_int16_zero_points_and_activations(q1, q2, qo, act):
    from test_kernels_elementwise import edited
    path = edited(model("seanet_add0_int16"), "add16", quant={"in0": q1, "in1": q2, "out": qo},
                  options={"fusedActivationFunction": {"NONE": 0, "RELU": 1, "RELU6": 3}[act]})
    assert mismatches(path, samples=4) == 0


TCONV = [  # name, input shape, filters, kernel, strides, padding
    ("t3x3_s2_same", (1, 5, 6, 3), 4, (3, 3), (2, 2), "same"),
    ("t3x4_s1x2_valid", (1, 2, 20, 16), 8, (3, 4), (1, 2), "valid"),
    ("t2x2_s2_odd", (1, 3, 3, 5), 7, (2, 2), (2, 2), "valid"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,shape,filters,kernel,strides,padding", TCONV,
                         ids=[c[0] for c in TCONV])
def test_transpose_conv_int16x8(name, shape, filters, kernel, strides, padding):
    def build(x):
        tf = _tf()
        return tf.keras.layers.Conv2DTranspose(filters, kernel, strides, padding)(x)
    path = int16x8_model(f"s16_{name}", build, [shape], rep_range=(-2, 3))
    assert _ops(path)[0] == ["TRANSPOSE_CONV"]
    assert mismatches(path, samples=4) == 0


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("name", SEANET)
def test_seanet_layers_bit_exact_on_mps2_an386(name):
    from conftest import run_tinyc
    r = run_tinyc("verify", model(name), "--board", "mps2-an386", "-n", "2", timeout=900)
    assert r.returncode == 0, r.stderr


def _sub(a, b):
    tf = _tf()
    return tf.keras.layers.Subtract()([a, b])


@pytest.mark.slow
def test_sub_int16_broadcast():
    path = int16x8_model("s16_sub_bc", _sub, [(1, 4, 5, 3), (1, 1, 5, 1)], rep_range=(-3, 2))
    assert _ops(path)[0] == ["SUB"]
    assert mismatches(path, samples=4) == 0


@pytest.mark.parametrize("q1,q2,qo", [
    ((0.0006, 0), (0.0008, 0), (0.001, 0)),
    ((0.0006, 3000), (0.0002, -12000), (0.0011, 250)),
    ((0.001, -32768), (0.001, 32767), (0.0021, 0))])
def test_sub_int16_zero_points(q1, q2, qo):
    from test_kernels_elementwise import edited
    path = edited(model("seanet_add0_int16"), "sub16", quant={"in0": q1, "in1": q2, "out": qo},
                  opcode="SUB")
    assert _ops(path)[0] == ["SUB"]
    assert mismatches(path, samples=4) == 0


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
