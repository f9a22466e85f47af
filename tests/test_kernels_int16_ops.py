"""TFLM's int16x8 scheme beyond convolutions: the data movers (RESHAPE, PAD, PADV2,
STRIDED_SLICE, CONCATENATION) and the int16 kernels of FULLY_CONNECTED, DEPTHWISE_CONV_2D,
MUL, QUANTIZE/DEQUANTIZE, MEAN, LOGISTIC, TANH and SOFTMAX, byte for byte against the TFLM
interpreter on models TensorFlow converts with fixed seeds; odd channel counts, and scales and
zero points rewritten (tests/tflite_edit.py) to reach what a representative dataset does not.
"""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

import tflite_edit
from bitexact import mismatches
from modelgen import CACHE, int16x8_fn_model, int16x8_model
from tinyc.errors import TinycError
from tinyc.frontend import load_model, read_model
from tinyc.reference import random_inputs, tflm_outputs


def _tf():
    from modelgen import _tf as tf
    return tf()


def _opcodes(path):
    return [op.opcode for op in read_model(path).ops]


def _exact(path, ops, samples=4):
    """The model has `ops` (and int16 requantizing QUANTIZEs the converter put between them),
    all on int16 activations, and tinyc computes TFLM's bytes."""
    g = read_model(path)
    assert [op.opcode for op in g.ops if op.opcode != "QUANTIZE" or "QUANTIZE" in ops] == ops
    assert "int16" in {g.tensors[t].dtype for op in g.ops for t in op.outputs}
    assert mismatches(path, samples=samples) == 0


def _refused_as_tflm(path, match):
    """TFLM refuses the model in Prepare, and tinyc refuses it with one clear error."""
    g = read_model(path)
    with pytest.raises(TinycError, match="TFLM reference interpreter refuses"):
        tflm_outputs(g, random_inputs(g, 1, 0))
    with pytest.raises(TinycError, match=match):
        mismatches(path, samples=1)


def sweep16_mismatches(path) -> int:
    """Mismatched outputs of a one-input int16 model over all 65536 input values."""
    import tempfile
    from pathlib import Path

    from tinyc.backends.native.debug_plan import NoReusePlan
    from tinyc.backends.native.rules import NATIVE_RULES
    from tinyc.boards import get_board
    from tinyc.hostlib import build_host_model
    g = load_model(path)
    shape = g.input_tensors()[0].shape
    n = int(np.prod(shape))
    values = np.arange(-32768, 32768 + (-65536 % n), dtype=np.int64)
    xs = [[v.astype(np.int16).reshape(shape)] for v in values.reshape(-1, n)]
    with tempfile.TemporaryDirectory(prefix="tinyc-kt-") as work:
        m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES), Path(work))
    return sum(int(np.count_nonzero(a != b)) for x, r in zip(xs, tflm_outputs(g, xs))
               for a, b in zip(m.run(x), r))


def edited(path, tag, quant=None, options=None, const=None, at=0):
    """A copy of `path` with op `at`'s tensors' quantization {"in0"/"in1"/"out"/id: (scale, zp)},
    its builtin options, or constant tensors' type and values {id or "inK": (type, values)}."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    key = f"{path.name}|{tag}|{quant}|{options}|{const}|{at}"
    out = CACHE / f"{path.stem}-e16-{hashlib.sha256(key.encode()).hexdigest()[:10]}.tflite"
    if out.exists():
        return out
    m = tflite_edit.load(path)
    sg = m.subgraphs[0]
    op = sg.operators[at]
    names = {f"in{k}": t for k, t in enumerate(op.inputs)} | {"out": op.outputs[0]}
    for t, (s, z) in (quant or {}).items():
        q = sg.tensors[names.get(t, t)].quantization
        q.scale, q.zeroPoint = [float(s)], [int(z)]
    for k, v in (options or {}).items():
        setattr(op.builtinOptions, k, v)
    for t, (dt, values) in (const or {}).items():
        tensor = sg.tensors[names.get(t, t)]
        tensor.type = getattr(schema.TensorType, dt.upper())
        data = np.asarray(values, dt).tobytes()
        m.buffers[tensor.buffer].data = np.frombuffer(data, np.uint8)
    tmp = out.with_suffix(".part")
    tflite_edit.save(m, tmp)
    tmp.replace(out)
    return out


# ---------------------------------------------------------------- data movers

PADS = [  # name, input shape, paddings
    ("hw", (1, 3, 4, 5), [[0, 0], [1, 2], [0, 3], [0, 0]]),
    ("all4", (1, 3, 4, 5), [[1, 0], [1, 2], [0, 3], [2, 1]]),
    ("rank3", (2, 7, 3), [[0, 1], [3, 0], [1, 1]]),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,shape,pads", PADS, ids=[p[0] for p in PADS])
def test_pad_int16(name, shape, pads):
    def fn(x):
        return _tf().pad(x, pads)
    _exact(int16x8_fn_model(f"s16_pad_{name}", fn, [shape]), ["PAD"])


def _pad_model():
    def fn(x):
        return _tf().pad(x, [[0, 0], [1, 2], [0, 3], [2, 0]])
    return int16x8_fn_model("s16_pad", fn, [(1, 3, 4, 5)])


def test_pad_int16_fills_zero_whatever_the_zero_point():
    """TFLM pads int16 with 0, not with the output's zero point (as it does int8)."""
    _exact(edited(_pad_model(), "zp", quant={"in0": (0.001, 1234), "out": (0.001, 1234)}),
           ["PAD"])


@pytest.mark.parametrize("value", [-32768, 1234, 32767])
def test_padv2_int16_constant(value):
    """TensorFlow writes PADV2's constant as float32 (TFLM refuses that); as int16 it runs."""
    def fn(x):
        return _tf().pad(x, [[0, 0], [1, 0], [2, 1], [0, 0]], constant_values=0.5)
    path = int16x8_fn_model("s16_padv2", fn, [(1, 3, 4, 5)])
    assert _opcodes(path) == ["PADV2"]
    _exact(edited(path, "c", const={"in2": ("int16", [value])}), ["PADV2"])


def test_padv2_int16_float_constant_refused_as_tflm():
    def fn(x):
        return _tf().pad(x, [[0, 0], [1, 0], [2, 1], [0, 0]], constant_values=0.5)
    _refused_as_tflm(int16x8_fn_model("s16_padv2", fn, [(1, 3, 4, 5)]),
                     "constant value must be one constant int16")


SLICES = {  # name: (input shape, slice); the name keys the cached model
    "step2": ((1, 6, 5, 3), lambda x: x[:, 1:5:2, 1:, :]),
    "reverse_shrink": ((1, 6, 5, 3), lambda x: x[:, ::-2, 3:0:-1, 1]),
    "masks": ((2, 5, 7), lambda x: x[1:, :-2, 2::3]),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", SLICES)
def test_strided_slice_int16(name):
    shape, cut = SLICES[name]

    def fn(x):
        return cut(x)
    _exact(int16x8_fn_model(f"s16_slice_{name}", fn, [shape]), ["STRIDED_SLICE"])


@pytest.mark.slow
@pytest.mark.parametrize("shape,target", [((1, 3, 5, 6), (1, 15, 6)), ((2, 9), (3, 6))])
def test_reshape_int16(shape, target):
    def fn(x):
        return _tf().reshape(x, target)
    _exact(int16x8_fn_model(f"s16_reshape_{shape}_{target}", fn, [shape]), ["RESHAPE"])


CONCATS = [  # name, input shapes, axis
    ("ch_odd", [(1, 3, 4, 5), (1, 3, 4, 3), (1, 3, 4, 1)], 3),
    ("axis1", [(1, 2, 4, 5), (1, 3, 4, 5)], 1),
    ("axis0", [(1, 7), (2, 7)], 0),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,shapes,axis", CONCATS, ids=[c[0] for c in CONCATS])
def test_concatenation_int16(name, shapes, axis):
    def build(*xs):
        return _tf().keras.layers.Concatenate(axis=axis)(list(xs))
    _exact(int16x8_model(f"s16_concat_{name}", build, shapes, rep_range=(-2, 2)),
           ["CONCATENATION"])


def _concat_model():
    def build(a, b):
        return _tf().keras.layers.Concatenate(axis=-1)([a, b])
    return int16x8_model("s16_concat_2", build, [(1, 3, 4, 5), (1, 3, 4, 2)], rep_range=(-2, 2))


def test_concatenation_int16_copies_other_scales_unscaled():
    """TFLM requires int16 zero points 0 but copies inputs of other scales as they are."""
    _exact(edited(_concat_model(), "scales", quant={"in0": (0.0001, 0), "in1": (0.02, 0)}, at=-1),
           ["CONCATENATION"])


def test_concatenation_int16_zero_point_refused_as_tflm():
    _refused_as_tflm(edited(_concat_model(), "zp", quant={"in1": (0.001, 5)}, at=-1),
                     "int16 inputs and output need zero point 0")


# ---------------------------------------------------------------- FULLY_CONNECTED

DENSE = [  # name, input shape, units, activation, bias
    ("odd", (1, 37), 13, None, True),
    ("batches_relu", (3, 20), 7, "relu", True),
    ("nobias_seq", (2, 5, 9), 11, None, False),
    ("relu6_wide", (1, 200), 33, "relu6", True),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,shape,units,act,bias", DENSE, ids=[d[0] for d in DENSE])
def test_fully_connected_int16x8(name, shape, units, act, bias):
    def build(x):
        return _tf().keras.layers.Dense(units, activation=act, use_bias=bias,
                                        bias_initializer="random_normal")(x)
    _exact(int16x8_model(f"s16_dense_{name}", build, [shape], rep_range=(-3, 4)),
           ["FULLY_CONNECTED"])


def _dense_model():
    def build(x):
        return _tf().keras.layers.Dense(9, activation="relu", bias_initializer="random_normal")(x)
    return int16x8_model("s16_dense_edit", build, [(2, 21)], rep_range=(-2, 3))


@pytest.mark.parametrize("q_in,q_out", [
    ((None, 12000), (None, -20000)), ((None, -32768), (0.0001, 32767)), ((None, 7), (0.5, 0))])
def test_fully_connected_int16x8_zero_points(q_in, q_out):
    """TFLM's int16 FULLY_CONNECTED (unlike its convolutions) takes any zero points; the input
    scale stays (the bias scale must match it), the output's moves."""
    path = _dense_model()
    g = read_model(path)
    op = g.ops[0]
    s_in, s_out = (g.tensors[op.inputs[0]].quant.scale[0], g.tensors[op.outputs[0]].quant.scale[0])
    quant = {"in0": (s_in, q_in[1]), "out": (q_out[0] or s_out, q_out[1])}
    _exact(edited(path, "zp", quant=quant), ["FULLY_CONNECTED"])


def test_fully_connected_int16x8_int32_bias():
    """An int32 bias makes TFLM accumulate in int32 (and requantize as int8 does)."""
    path = _dense_model()
    g = read_model(path)
    b = np.asarray(g.tensors[g.ops[0].inputs[2]].data, np.int64)
    _exact(edited(path, "b32", const={"in2": ("int32", b * 3 + 12345)}), ["FULLY_CONNECTED"])


def test_fully_connected_int16x8_no_bias_int32_accumulator():
    """Without a bias, the options' quantized_bias_type (INT32 = 2) picks the accumulator."""
    def build(x):
        return _tf().keras.layers.Dense(6, use_bias=False)(x)
    path = int16x8_model("s16_dense_nobias", build, [(1, 300)], rep_range=(-4, 4))
    assert read_model(path).ops[0].inputs[2:] in ([], [-1])
    _exact(edited(path, "acc32", options={"quantizedBiasType": 2}), ["FULLY_CONNECTED"])


# ---------------------------------------------------------------- DEPTHWISE_CONV_2D

DEPTHWISE = [  # name, input shape, kernel, strides, padding, depth multiplier, dilation, act
    ("k3_same_odd", (1, 9, 11, 5), (3, 3), (1, 1), "same", 1, 1, None),
    ("k5x3_s2_valid_dm2", (1, 12, 13, 3), (5, 3), (2, 2), "valid", 2, 1, "relu"),
    ("dil2_dm3", (1, 10, 10, 7), (3, 3), (1, 1), "same", 3, 2, None),
    ("seanet_1xk", (2, 1, 40, 9), (1, 7), (1, 1), "same", 1, 1, "relu6"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,shape,kernel,strides,padding,dm,dil,act", DEPTHWISE,
                         ids=[d[0] for d in DEPTHWISE])
def test_depthwise_conv2d_int16x8(name, shape, kernel, strides, padding, dm, dil, act):
    def build(x):
        return _tf().keras.layers.DepthwiseConv2D(
            kernel, strides, padding, depth_multiplier=dm, dilation_rate=dil, activation=act,
            bias_initializer="random_normal")(x)
    _exact(int16x8_model(f"s16_dw_{name}", build, [shape], rep_range=(-3, 5)),
           ["DEPTHWISE_CONV_2D"])


def _dw_model():
    def build(x):
        return _tf().keras.layers.DepthwiseConv2D(3, activation="relu",
                                                  bias_initializer="random_normal")(x)
    return int16x8_model("s16_dw_edit", build, [(1, 6, 7, 5)], rep_range=(-2, 2))


@pytest.mark.parametrize("zp_in,zp_out", [(3000, 0), (0, -12000), (-32768, 32767)])
def test_depthwise_conv2d_int16x8_zero_points_ignored_as_tflm(zp_in, zp_out):
    """TFLM's int16 depthwise reference adds no zero-point offsets; only its clamp (RELU here)
    moves with the output's zero point."""
    path = _dw_model()
    g = read_model(path)
    s_in, s_out = (g.tensors[g.ops[0].inputs[0]].quant.scale[0],
                   g.tensors[g.ops[0].outputs[0]].quant.scale[0])
    _exact(edited(path, "zp", quant={"in0": (s_in, zp_in), "out": (s_out, zp_out)}),
           ["DEPTHWISE_CONV_2D"])


# ---------------------------------------------------------------- MUL

MULS = {  # name: (input shapes, function of the float inputs)
    "same": ([(1, 4, 5, 3), (1, 4, 5, 3)], lambda a, b: a * b),
    "broadcast": ([(1, 4, 5, 7), (1, 1, 5, 1)], lambda a, b: a * b),
    "broadcast_first": ([(1, 1, 1, 7), (2, 3, 5, 7)], lambda a, b: a * b),
    "const": ([(1, 6, 9)], lambda a: a * _tf().constant(
        np.random.default_rng(1).uniform(-2, 2, (1, 1, 9)).astype(np.float32))),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", MULS)
def test_mul_int16(name):
    shapes, f = MULS[name]

    def fn(*xs):
        return f(*xs)
    _exact(int16x8_fn_model(f"s16_mul_{name}", fn, shapes, rep_range=(-3, 2)), ["MUL"])


def _mul_model():
    def fn(a, b):
        return a * b
    return int16x8_fn_model("s16_mul_edit", fn, [(1, 3, 4, 5), (1, 3, 4, 5)], rep_range=(-3, 2))


@pytest.mark.parametrize("q1,q2,qo,act", [
    (0.0006, 0.0008, 0.00001, "NONE"), (0.001, 0.002, 0.5, "RELU"),
    (0.0001, 0.00003, 0.0000001, "RELU_N1_TO_1"), (0.01, 0.02, 0.0007, "RELU6")])
def test_mul_int16_scales_and_activations(q1, q2, qo, act):
    path = edited(_mul_model(), "q", quant={"in0": (q1, 0), "in1": (q2, 0), "out": (qo, 0)},
                  options={"fusedActivationFunction": {"NONE": 0, "RELU": 1, "RELU_N1_TO_1": 2,
                                                       "RELU6": 3}[act]})
    _exact(path, ["MUL"])


def test_mul_int16_zero_point_refused_as_tflm():
    _refused_as_tflm(edited(_mul_model(), "zp", quant={"out": (0.001, 3)}),
                     "TFLM's int16 kernels need 0")


# ---------------------------------------------------------------- QUANTIZE, DEQUANTIZE

@pytest.mark.parametrize("src,dst,q_in,q_out", [
    ("INT16", "INT16", (0.001, 20000), (0.0003, -31000)),
    ("INT16", "INT8", (0.0001, -32768), (0.02, 127)),
    ("INT8", "INT16", (0.03, -128), (0.00001, 32767)),
    ("INT16", "INT16", (0.0004, -7), (0.0004, 9)),
])
def test_requantize_int16_large_zero_points(src, dst, q_in, q_out):
    """TFLM's Requantize takes any zero points on int16 (the int16x8 converter writes 0)."""
    from test_kernels_elementwise import edited as retyped, unary_base
    path = retyped(unary_base("RELU"), "q16zp", opcode="QUANTIZE",
                   quant={"in0": q_in, "out": q_out}, dtypes={"in0": src, "out": dst})
    assert _opcodes(path) == ["QUANTIZE"]
    assert mismatches(path, samples=6) == 0


@pytest.mark.parametrize("src,dst,q_in,q_out", [
    ("INT32", "INT16", (1.4901161e-07, 0), (0.00092197, 0)),     # SEANet's quantize0
    ("INT16", "INT32", (0.00049431, 0), (1.4901161e-07, 0)),     # SEANet's quantize1
    ("INT32", "INT16", (1e-05, -7000000), (0.003, 1200)),
    ("INT16", "INT32", (0.002, -300), (0.0007, 2000000000)),
    ("INT32", "INT8", (2e-06, 5), (0.01, -3)),
    ("INT8", "INT32", (0.02, -128), (3e-05, -9)),
])
def test_requantize_int32(src, dst, q_in, q_out):
    """TFLM's Requantize between int32 and int16/int8 (TFLM's SEANet suite has both int16
    directions)."""
    from test_kernels_elementwise import edited as retyped, unary_base
    path = retyped(unary_base("RELU"), "q32", opcode="QUANTIZE",
                   quant={"in0": q_in, "out": q_out}, dtypes={"in0": src, "out": dst})
    assert _opcodes(path) == ["QUANTIZE"]
    assert mismatches(path, samples=6) == 0


@pytest.mark.parametrize("q", [(0.0002, 0), (0.5, -30000), (0.00001, 32767)])
def test_float_int16_edges(q):
    """float32 -> QUANTIZE int16 -> DEQUANTIZE float32, what an int16x8 model with float inputs
    and outputs has at its edges."""
    from test_kernels_elementwise import edited as retyped, unary_base
    path = retyped(unary_base("RELU"), "f16f", opcode="QUANTIZE", quant={"out": q},
                   dtypes={"in0": "FLOAT32", "out": "INT16"})
    assert _opcodes(path) == ["QUANTIZE"]
    assert mismatches(path, samples=6) == 0
    path = retyped(unary_base("RELU"), "16f", opcode="DEQUANTIZE", quant={"in0": q},
                   dtypes={"in0": "INT16", "out": "FLOAT32"})
    assert _opcodes(path) == ["DEQUANTIZE"]
    assert mismatches(path, samples=6) == 0


# ---------------------------------------------------------------- MEAN, SUM

REDUCE = {  # name: (input shape, function)
    "hw_keep": ((1, 7, 9, 5), lambda x: _tf().reduce_mean(x, axis=[1, 2], keepdims=True)),
    "last": ((2, 5, 11), lambda x: _tf().reduce_mean(x, axis=-1)),
    "all": ((3, 4, 5), lambda x: _tf().reduce_mean(x, axis=[0, 1, 2])),
    "sum_mid": ((1, 6, 7, 3), lambda x: _tf().reduce_sum(x, axis=[2])),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", REDUCE)
def test_mean_sum_int16(name):
    shape, f = REDUCE[name]

    def fn(x):
        return f(x)
    path = int16x8_fn_model(f"s16_reduce_{name}", fn, [shape], rep_range=(-3, 4))
    _exact(path, ["SUM" if name.startswith("sum") else "MEAN"])


def _mean_model():
    def fn(x):
        return _tf().reduce_mean(x, axis=[1, 2])
    return int16x8_fn_model("s16_mean_edit", fn, [(1, 5, 6, 7)], rep_range=(-3, 4))


@pytest.mark.parametrize("q_in,q_out", [((0.0002, 30000), (0.0001, -25000)),
                                        ((0.003, -32768), (0.00002, 32767)),
                                        ((0.001, 0), (0.01, 77))])
def test_mean_int16_zero_points_and_scales(q_in, q_out):
    """TFLM's int16 MEAN takes any zero points: zero point times count comes off the sum."""
    _exact(edited(_mean_model(), "zp", quant={"in0": q_in, "out": q_out}), ["MEAN"])


# ---------------------------------------------------------------- LOGISTIC, TANH

@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sigmoid", "tanh"])
@pytest.mark.parametrize("rep", [(-1, 1), (-9, 12)])
def test_logistic_tanh_int16(kind, rep):
    def build(x):
        return _tf().keras.layers.Activation(kind)(x)
    path = int16x8_model(f"s16_{kind}_{rep[1]}", build, [(1, 999)], rep_range=rep)
    _exact(path, ["LOGISTIC" if kind == "sigmoid" else "TANH"], samples=3)


def _act_model(kind):
    def build(x):
        return _tf().keras.layers.Activation(kind)(x)
    return int16x8_model(f"s16_{kind}_edit", build, [(1, 2048)], rep_range=(-4, 4))


# 2^-12: TFLM's power-of-two path for both; 2^-11: for TANH only; the others its multiplier
IN_SCALES = [2.0 ** -12, 2.0 ** -11, 2.0 ** -15, 0.00037, 0.01, 0.6]


@pytest.mark.parametrize("kind", ["sigmoid", "tanh"])
@pytest.mark.parametrize("in_scale", IN_SCALES)
def test_logistic_tanh_int16_input_scales(kind, in_scale):
    path = edited(_act_model(kind), "s", quant={"in0": (in_scale, 0)})
    _exact(path, ["LOGISTIC" if kind == "sigmoid" else "TANH"], samples=3)


@pytest.mark.parametrize("quant,match", [
    ({"out": (2.0 ** -14, 0)}, "must be 2\\^-15"), ({"in0": (0.001, 5)}, "need 0")])
def test_logistic_int16_refused_as_tflm(quant, match):
    _refused_as_tflm(edited(_act_model("sigmoid"), "bad", quant=quant), match)


def test_sigmoid_table_is_tflm_s():
    """The computed table (ops/sigmoid_table.py) is the one TFLM's int16 TANH interpolates: at the table's
    own points its output is entry - 32768 exactly (with input scale 1/48 TFLM's rescale is
    16384 >> 6, so input h reads entry h)."""
    from tinyc.backends.native.ops.sigmoid_lut_s16 import input_rescale
    from tinyc.backends.native.ops.sigmoid_table import sigmoid_table_uint16
    table = sigmoid_table_uint16()
    assert input_rescale("TANH", 1 / 48) == (16384, 6)
    path = edited(_act_model("tanh"), "pts", quant={"in0": (1 / 48, 0)})
    g = read_model(path)
    x = np.zeros((1, 2048), np.int16)
    x[0, :255] = np.arange(255)
    got = tflm_outputs(g, [[x]])[0][0].reshape(-1)[:255]
    assert np.array_equal(got.astype(np.int64), table[:255].astype(np.int64) - 32768)


# ---------------------------------------------------------------- SOFTMAX

SOFTMAXES = [  # name, input shape, representative range
    ("classes10", (1, 10), (-4, 4)),
    ("rows_odd", (2, 3, 17), (-10, 6)),
    ("wide_range", (1, 257), (-40, 40)),
    ("two", (5, 2), (-1, 1)),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,shape,rep", SOFTMAXES, ids=[s[0] for s in SOFTMAXES])
def test_softmax_int16(name, shape, rep):
    def build(x):
        return _tf().keras.layers.Softmax()(x)
    _exact(int16x8_model(f"s16_softmax_{name}", build, [shape], rep_range=rep), ["SOFTMAX"])


def _softmax_model():
    def build(x):
        return _tf().keras.layers.Softmax()(x)
    return int16x8_model("s16_softmax_edit", build, [(3, 33)], rep_range=(-5, 5))


@pytest.mark.parametrize("in_scale,beta", [(0.0001, 1.0), (0.001, 0.3), (0.05, 2.5),
                                           (0.00001, 1.0), (1.0, 1.0)])
def test_softmax_int16_scales_and_betas(in_scale, beta):
    path = edited(_softmax_model(), "sb", quant={"in0": (in_scale, 0)}, options={"beta": beta})
    _exact(path, ["SOFTMAX"])


def test_softmax_int16_output_scale_refused_as_tflm():
    _refused_as_tflm(edited(_softmax_model(), "out", quant={"out": (1 / 256, 0)}),
                     "must be 1/32768")


@pytest.mark.parametrize("beta", [1.0, 0.4])
def test_softmax_int8_to_int16(beta):
    """TFLM's int8 softmax with an int16 output (zero point -32768, scale 1/65536)."""
    from modelgen import int8_model
    from test_kernels_elementwise import edited as retyped

    def build(x):
        return _tf().keras.layers.Softmax()(x)
    base = int8_model("s8_softmax_to16", build, [(3, 21)], rep_range=(-6, 6))
    path = retyped(base, "s16out", quant={"out": (1 / 65536, -32768)}, dtypes={"out": "INT16"},
                   options={"beta": beta})
    g = read_model(path)
    assert [g.tensors[t].dtype for t in (g.ops[-1].inputs[0], g.ops[-1].outputs[0])] == \
        ["int8", "int16"]
    assert mismatches(path, samples=8) == 0


def test_softmax_int8_to_int16_zero_point_refused_as_tflm():
    from modelgen import int8_model
    from test_kernels_elementwise import edited as retyped

    def build(x):
        return _tf().keras.layers.Softmax()(x)
    base = int8_model("s8_softmax_to16", build, [(3, 21)], rep_range=(-6, 6))
    _refused_as_tflm(retyped(base, "s16zp", quant={"out": (1 / 65536, 0)},
                             dtypes={"out": "INT16"}), "zero point -32768")


def test_softmax_tables_shape():
    """The two tables TFLM's Prepare builds: exp on [-10, 0] and 1 / (1 + x) on [0, 1], in
    Q0.15 (their exact entries are what the bit-exact sweeps above check)."""
    from tinyc.backends.native.lut16 import softmax_exp_lut, softmax_one_over_one_plus_x_lut
    exp_lut, recip = softmax_exp_lut(), softmax_one_over_one_plus_x_lut()
    assert len(exp_lut) == len(recip) == 513
    assert exp_lut[512] == 32767 and exp_lut[0] == 2 and recip[0] == 32767 and recip[512] == 16384
    assert np.all(np.diff(exp_lut.astype(np.int64)) >= 0)
    assert np.all(np.diff(recip.astype(np.int64)) <= 0)


# ---------------------------------------------------------------- LEAKY_RELU

@pytest.mark.parametrize("q_in,q_out,alpha", [
    (0.00583687, 0.00464229, 0.3),       # SEANet's leaky_relu1
    (0.0017, 0.0017, 0.2), (0.0031, 0.0009, 0.01)])
def test_leaky_relu_int16_all_inputs(q_in, q_out, alpha):
    """TFLM's Prepare rounds input_scale * alpha / output_scale and input_scale / output_scale
    as doubles: in float32 a few of the 65536 inputs come out one off."""
    from conftest import model
    path = edited(model("seanet_leaky_relu0_int16"), "lr", quant={"in0": (q_in, 0),
                  "out": (q_out, 0)}, options={"alpha": alpha})
    assert sweep16_mismatches(path) == 0


# ---------------------------------------------------------------- SUB

@pytest.mark.parametrize("q1,q2,qo", [
    (0.0012579173, 9.196187e-06, 0.0009364741),      # SEANet's sub1
    (0.0050774915, 8.143193e-06, 0.0019081958),      # SEANet's sub2
])
def test_sub_int16_multipliers_from_double_ratios(q1, q2, qo):
    """TFLM's SUB Prepare divides the scales as doubles in the wheel (as ADD's): float32
    ratios put a few outputs one off."""
    from conftest import model
    from test_kernels_elementwise import edited as retyped
    path = retyped(model("seanet_add0_int16"), "sub16d", quant={"in0": (q1, 0), "in1": (q2, 0),
                   "out": (qo, 0)}, opcode="SUB")
    assert _opcodes(path) == ["SUB"]
    assert mismatches(path, samples=40) == 0


# ---------------------------------------------------------------- a model of them all

MULTI_OPS = ["CONV_2D", "DEPTHWISE_CONV_2D", "TANH", "LOGISTIC", "MUL", "ADD", "PAD",
             "STRIDED_SLICE", "QUANTIZE", "CONCATENATION", "MEAN", "FULLY_CONNECTED", "SOFTMAX"]


def _multi_op_model(io):
    def build(x):
        layers = _tf().keras.layers
        a = layers.Conv2D(6, 3, padding="same", activation="relu")(x)
        b = layers.DepthwiseConv2D(3, padding="same", bias_initializer="random_normal")(a)
        d = layers.Multiply()([layers.Activation("tanh")(b), layers.Activation("sigmoid")(b)])
        e = layers.Cropping2D(((0, 1), (1, 0)))(layers.ZeroPadding2D(((1, 0), (0, 1)))(d))
        f = layers.Concatenate()([e, layers.Add()([a, d])])
        g = layers.Reshape((12,))(layers.GlobalAveragePooling2D()(f))
        return layers.Softmax()(layers.Dense(7, bias_initializer="random_normal")(g))
    path = int16x8_model("s16_multi", build, [(1, 12, 10, 3)], rep_range=(-2, 3), io=io)
    edges = ["QUANTIZE", *MULTI_OPS, "DEQUANTIZE"] if io == "float" else MULTI_OPS
    assert _opcodes(path) == edges
    return path


@pytest.mark.slow
@pytest.mark.parametrize("io", ["int16", "float"])
def test_int16x8_model_with_the_planner_s_plan(io):
    """The ops together, with the plan `build` makes (in-place ops and overlaps), over an
    arena poisoned before each inference."""
    from tinyc.backends.native.rules import NATIVE_RULES
    from tinyc.boards import get_board
    from tinyc.planner import plan_memory
    path = _multi_op_model(io)
    plan = plan_memory(load_model(path), get_board("host"), NATIVE_RULES)
    assert mismatches(path, samples=6, plan=plan, poison=True) == 0


@pytest.mark.qemu
@pytest.mark.slow
def test_int16x8_model_bit_exact_on_mps2_an386():
    from conftest import run_tinyc
    r = run_tinyc("verify", _multi_op_model("float"), "--board", "mps2-an386", "-n", "2",
                  timeout=900)
    assert r.returncode == 0, r.stderr
    assert "bit-exact" in r.stdout, r.stdout


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
