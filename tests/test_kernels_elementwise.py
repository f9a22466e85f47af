"""ADD, SUB, MUL, SOFTMAX, QUANTIZE, DEQUANTIZE, RELU, RELU6, LEAKY_RELU, HARD_SWISH,
LOGISTIC and TANH: tinyc's native kernels against the TFLM interpreter, byte for byte.

Small models come from TensorFlow (tests/modelgen.py); variants with other scales, zero
points, betas and alphas are made by rewriting those models' quantization parameters
(tests/tflite_edit.py), which is faster than converting again and reaches corners a
representative dataset would not. Unary int8 ops are checked on all 256 input values.
"""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np
import pytest

import tflite_edit
from bitexact import mismatches
from conftest import model, run_tinyc
from modelgen import CACHE, int8_fn_model, int8_model, lazy_tf
from tinyc.backends.native.debug_plan import NoReusePlan
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.errors import TinycError
from tinyc.frontend import load_model, read_model
from tinyc.hostlib import build_host_model
from tinyc.planner.plan import plan_memory
from tinyc.reference import random_inputs, tflm_outputs


def _tf():
    from modelgen import _tf as tf
    return tf()


# ---------------------------------------------------------------- helpers

def edited(path: Path, tag: str, quant: dict | None = None, options: dict | None = None,
           opcode: str | None = None, dtypes: dict | None = None) -> Path:
    """A copy of `path` with tensor quantization {tensor: (scale, zero_point)} (tensor ids,
    or "in0"/"in1"/"out" for op 0's), op 0's builtin options, opcode or tensor types changed."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    key = f"{path.name}|{tag}|{quant}|{options}|{opcode}|{dtypes}"
    out = CACHE / f"{path.stem}-ed-{hashlib.sha256(key.encode()).hexdigest()[:10]}.tflite"
    if out.exists():
        return out
    m = tflite_edit.load(path)
    sg = m.subgraphs[0]
    op = sg.operators[0]
    names = {f"in{k}": t for k, t in enumerate(op.inputs)} | {"out": op.outputs[0]}
    for t, (s, z) in (quant or {}).items():
        q = sg.tensors[names.get(t, t)].quantization
        q.scale, q.zeroPoint = [float(s)], [int(z)]
    for k, v in (options or {}).items():
        setattr(op.builtinOptions, k, v)
    if opcode is not None:
        code = getattr(schema.BuiltinOperator, opcode)
        oc = m.operatorCodes[op.opcodeIndex]
        oc.builtinCode, oc.deprecatedBuiltinCode = code, min(code, 127)
        op.builtinOptionsType, op.builtinOptions = 0, None
    for t, dt in (dtypes or {}).items():
        sg.tensors[names.get(t, t)].type = getattr(schema.TensorType, dt)
    tmp = out.with_suffix(".part")
    tflite_edit.save(m, tmp)
    tmp.replace(out)
    return out


def opcodes(path) -> list[str]:
    return [op.opcode for op in load_model(path).ops]


def sweep_mismatches(path, samples: int = 6, rules=NATIVE_RULES) -> int:
    """Mismatched bytes on inputs that sweep all 256 int8 values (each input a shifted
    arange) plus seeded random samples; float inputs get random normals. `rules` picks the
    kernels (the portable ones unless a target is given)."""
    g = load_model(path)
    with tempfile.TemporaryDirectory(prefix="tinyc-kt-") as work:
        m = build_host_model(g, get_board("host"), NoReusePlan(g, rules), Path(work),
                             sanitize=True)
    xs = random_inputs(g, samples, seed=1)
    sweep = []
    for k, t in enumerate(g.input_tensors()):
        if t.dtype == "int8":
            v = (np.arange(t.elements) * (2 * k + 1) + 37 * k) % 256 - 128
            sweep.append(v.astype(np.int8).reshape(t.shape))
        else:
            sweep.append(xs[0][k])
    xs.append(sweep)
    bad = 0
    for x, r in zip(xs, tflm_outputs(g, xs)):
        bad += sum(int(np.count_nonzero(a != b)) for a, b in zip(m.run(x), r))
    return bad


# ---------------------------------------------------------------- unary ops, all 256 inputs

def _keras_act(name):
    tf = lazy_tf()
    layers = {"LOGISTIC": lambda x: tf.keras.layers.Activation("sigmoid")(x),
              "TANH": lambda x: tf.keras.layers.Activation("tanh")(x),
              "RELU": lambda x: tf.keras.layers.ReLU()(x),
              "RELU6": lambda x: tf.keras.layers.ReLU(6.0)(x),
              "LEAKY_RELU": lambda x: tf.keras.layers.LeakyReLU(0.2)(x)}
    return layers[name]


def unary_base(opcode: str) -> Path:
    if opcode == "HARD_SWISH":
        return int8_fn_model("ew_hswish", lambda x: x * _hs(x), [(1, 256)], rep_range=(-5, 5))
    ranges = {"RELU": (-3, 5), "RELU6": (-3, 8), "LEAKY_RELU": (-2, 2)}
    return int8_model(f"ew_{opcode.lower()}", _keras_act(opcode), [(1, 256)],
                      rep_range=ranges.get(opcode, (-1, 1)))


def _hs(x):
    import tensorflow as tf
    return tf.nn.relu6(x + 3.0) * (1.0 / 6.0)


# (opcode, tag, quant edits, option edits). Output quant of LOGISTIC/TANH is fixed by TFLM.
UNARY = [
    ("LOGISTIC", "as-converted", None, None),
    ("LOGISTIC", "wide", {"in0": (0.0625, -128)}, None),
    ("LOGISTIC", "narrow", {"in0": (0.002, 40)}, None),
    ("LOGISTIC", "coarse", {"in0": (0.5, 10)}, None),
    ("LOGISTIC", "zp127", {"in0": (0.03, 127)}, None),
    ("TANH", "as-converted", None, None),
    ("TANH", "wide", {"in0": (0.0625, -128)}, None),
    ("TANH", "narrow", {"in0": (0.002, -40)}, None),
    ("TANH", "coarse", {"in0": (0.4, 3)}, None),
    ("RELU", "as-converted", None, None),
    ("RELU", "rescale", {"in0": (0.05, 5), "out": (0.01, -128)}, None),
    ("RELU", "shrink", {"in0": (0.01, 0), "out": (0.05, -100)}, None),
    ("RELU", "out-zp-high", {"in0": (0.02, -3), "out": (0.02, 20)}, None),
    ("RELU6", "as-converted", None, None),
    ("RELU6", "six-inside", {"in0": (0.01, -20), "out": (0.01, -20)}, None),
    ("RELU6", "six-beyond", {"in0": (0.1, -128), "out": (0.1, -128)}, None),
    ("LEAKY_RELU", "as-converted", None, None),
    ("LEAKY_RELU", "alpha-small", {"in0": (0.02, 7), "out": (0.015, -5)}, {"alpha": 0.01}),
    ("LEAKY_RELU", "alpha-big", {"in0": (0.02, 0), "out": (0.04, 0)}, {"alpha": 1.7}),
    ("LEAKY_RELU", "alpha-neg", {"in0": (0.03, -10), "out": (0.03, 30)}, {"alpha": -0.4}),
    # scale * alpha / scale is 1.7 * 1.5 in double but just below it in float: the wheel's
    # TFLM rounds like the double
    ("LEAKY_RELU", "alpha-double", {"in0": (0.03, 0), "out": (0.02, 0)}, {"alpha": 1.7}),
    ("HARD_SWISH", "as-converted", None, None),
    ("HARD_SWISH", "zp", {"in0": (0.05, -50), "out": (0.03, -100)}, None),
    ("HARD_SWISH", "tiny", {"in0": (0.004, 20), "out": (0.002, -60)}, None),
    ("HARD_SWISH", "big", {"in0": (0.2, 0), "out": (0.25, -128)}, None),
]


@pytest.mark.parametrize("opcode,tag,quant,options", UNARY,
                         ids=[f"{c[0]}-{c[1]}" for c in UNARY])
@pytest.mark.fast_first
def test_unary_all_256_inputs(opcode, tag, quant, options):
    path = unary_base(opcode)
    if quant or options:
        path = edited(path, tag, quant=quant, options=options)
    assert opcodes(path) == [opcode]
    assert sweep_mismatches(path) == 0


# int8 -> int8 QUANTIZE (requantize): made by turning a RELU model's op into QUANTIZE.
REQUANT = [(0.02, 3, 0.05, -7), (0.1, -128, 0.003, 0), (0.05, 10, 0.05, -20),
           (0.004, -1, 0.2, 100), (0.0123, 60, 0.0123, 60)]


@pytest.mark.parametrize("s_in,z_in,s_out,z_out", REQUANT)
@pytest.mark.fast_first
def test_quantize_int8_to_int8_all_256_inputs(s_in, z_in, s_out, z_out):
    path = edited(unary_base("RELU"), "requant", opcode="QUANTIZE",
                  quant={"in0": (s_in, z_in), "out": (s_out, z_out)})
    assert opcodes(path) == ["QUANTIZE"]
    assert sweep_mismatches(path) == 0


@pytest.mark.parametrize("src,dst,q_in,q_out", [
    ("INT16", "INT8", (0.0005, 0), (0.03, -5)),
    ("INT16", "INT8", (0.002, 0), (0.002, 0)),
    ("INT8", "INT16", (0.03, -5), (0.0004, 0)),
    ("INT16", "INT16", (0.001, 0), (0.0003, 0)),
    # keyword_scrambled_8bit's last op (softmax probabilities to int32), and zero points
    ("INT16", "INT32", (1.5259022e-05, -32768), (3.051851e-05, 0)),
    ("INT16", "INT32", (0.0005, 7), (0.00001, -1000)),
])
@pytest.mark.fast_first
def test_quantize_int16(src, dst, q_in, q_out):
    path = edited(unary_base("RELU"), "q16", opcode="QUANTIZE",
                  quant={"in0": q_in, "out": q_out}, dtypes={"in0": src, "out": dst})
    assert opcodes(path) == ["QUANTIZE"]
    assert mismatches(path, samples=10) == 0


@pytest.mark.parametrize("src,q_in", [("INT8", (0.03, -7)), ("INT16", (0.0005, 0)),
                                      ("INT16", (0.25, 3))])
@pytest.mark.fast_first
def test_dequantize(src, q_in):
    path = edited(unary_base("RELU"), "dq", opcode="DEQUANTIZE", quant={"in0": q_in},
                  dtypes={"in0": src, "out": "FLOAT32"})
    assert opcodes(path) == ["DEQUANTIZE"]
    assert mismatches(path, samples=10) == 0


@pytest.mark.parametrize("dst,q_out", [("INT8", (0.02, -9)), ("INT16", (0.0007, 0))])
def test_quantize_from_float(dst, q_out):
    path = edited(unary_base("RELU"), "qf", opcode="QUANTIZE", quant={"out": q_out},
                  dtypes={"in0": "FLOAT32", "out": dst})
    assert opcodes(path) == ["QUANTIZE"]
    assert mismatches(path, samples=10) == 0


# ---------------------------------------------------------------- float edges

FLOAT_EDGES = [
    ("sigmoid", lambda: int8_model("ew_float_edges", _keras_act("LOGISTIC"), [(1, 33)],
                                   int8_io=False)),
    ("softmax", lambda: int8_model("ew_float_softmax", lambda x: _tf().keras.layers.Softmax()(x),
                                   [(2, 9)], int8_io=False, rep_range=(-3, 3))),
    ("add", lambda: int8_fn_model("ew_float_add", lambda x, y: x + 2.0 * y, [(1, 6, 5), (1, 6, 5)],
                                  int8_io=False, rep_range=(-4, 4))),
]


@pytest.mark.parametrize("name,make", FLOAT_EDGES, ids=[c[0] for c in FLOAT_EDGES])
@pytest.mark.fast_first
def test_float_edges(name, make):
    path = make()
    ops = opcodes(path)
    assert ops[0] == "QUANTIZE" and ops[-1] == "DEQUANTIZE"
    assert mismatches(path, samples=20) == 0


def test_quantize_float_rounding_ties(tmp_path):
    """Inputs exactly on .5 steps of the quantization grid, and far beyond int8."""
    path = FLOAT_EDGES[0][1]()
    g = load_model(path)
    t = g.input_tensors()[0]
    s = float(g.tensors[g.ops[0].outputs[0]].quant.scale[0])
    k = np.arange(t.elements) - t.elements // 2
    xs = [[(np.float32(s) * (k + 0.5)).astype(np.float32).reshape(t.shape)],
          [(np.float32(s) * (k * 9.5)).astype(np.float32).reshape(t.shape)],
          [np.linspace(-1e6, 1e6, t.elements, dtype=np.float32).reshape(t.shape)]]
    m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES), tmp_path,
                         sanitize=True)
    for x, r in zip(xs, tflm_outputs(g, xs)):
        assert np.array_equal(m.run(x)[0], r[0])


# ---------------------------------------------------------------- SOFTMAX

def softmax_base(shape, rep_range=(-4, 4)) -> Path:
    return int8_model(f"ew_softmax_{len(shape)}d", lambda x: _tf().keras.layers.Softmax()(x),
                      [shape], rep_range=rep_range)


SOFTMAX = [
    ((3, 17), None, None),
    ((3, 17), (0.0625, 10), {"beta": 0.5}),
    ((3, 17), (0.02, -128), {"beta": 2.0}),
    ((3, 17), (0.5, 0), {"beta": 1.0}),
    ((3, 17), (0.001, 5), {"beta": 1.0}),
    ((3, 17), (0.1, 0), {"beta": 30.0}),
    ((1, 3, 5, 10), None, None),
    ((2, 300), (0.05, 0), None),
    ((1, 1), None, None),
]


@pytest.mark.parametrize("shape,q_in,options", SOFTMAX,
                         ids=[f"{'x'.join(map(str, c[0]))}-{c[1]}-{c[2]}" for c in SOFTMAX])
@pytest.mark.fast_first
def test_softmax(shape, q_in, options):
    path = softmax_base(shape)
    if q_in or options:
        path = edited(path, "softmax", quant={"in0": q_in} if q_in else None, options=options)
    assert opcodes(path) == ["SOFTMAX"]
    assert sweep_mismatches(path) == 0


# int8 in, int16 out (zero point -32768, scale 1/65536): TFLM's Softmax<int8_t, int16_t>,
# as keyword_scrambled_8bit ends
SOFTMAX_S16 = [((3, 17), None, None), ((3, 17), (0.02, -128), {"beta": 2.0}),
               ((3, 17), (0.1, 0), {"beta": 30.0}), ((2, 300), (0.05, 0), None),
               ((1, 2), (0.06996273, 2), None)]


@pytest.mark.parametrize("shape,q_in,options", SOFTMAX_S16,
                         ids=[f"{'x'.join(map(str, c[0]))}-{c[1]}-{c[2]}" for c in SOFTMAX_S16])
@pytest.mark.fast_first
def test_softmax_int16_output(shape, q_in, options):
    path = edited(softmax_base(shape), "softmax16",
                  quant={"out": (1 / 65536, -32768), **({"in0": q_in} if q_in else {})},
                  options=options, dtypes={"out": "INT16"})
    assert opcodes(path) == ["SOFTMAX"]
    assert sweep_mismatches(path) == 0


def test_softmax_int16_output_quant_is_checked():
    path = edited(softmax_base((3, 17)), "badsm16", quant={"out": (1 / 32768, 0)},
                  dtypes={"out": "INT16"})
    with pytest.raises(TinycError, match=r"op 0 SOFTMAX: int16 output must have zero point "
                                         r"-32768 and scale 1/65536"):
        with tempfile.TemporaryDirectory() as work:
            g = load_model(path)
            build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES), Path(work))


# ---------------------------------------------------------------- ADD, SUB, MUL

def _binary(kind: str, act: str | None):
    tf = lazy_tf()
    f = {"ADD": lambda x, y: x + y, "SUB": lambda x, y: x - y, "MUL": lambda x, y: x * y}[kind]
    a = {None: lambda v: v, "RELU": lambda v: tf.nn.relu(v), "RELU6": lambda v: tf.nn.relu6(v)}[act]
    return lambda x, y: a(f(x, y))


def binary_model(kind, act, shapes, rep_range=(-1.0, 1.0)) -> Path:
    fn = _binary(kind, act)
    tag = "_".join("x".join(map(str, s)) for s in shapes)
    # The recipe's source is the same lambda for every case: the name keys the cache.
    return int8_fn_model(f"ew_{kind.lower()}_{act}_{tag}", lambda x, y: fn(x, y), shapes,
                         rep_range=rep_range)


SHAPES = [
    [(1, 5, 7, 3), (1, 5, 7, 3)],          # same shape, odd sizes
    [(1, 5, 7, 3), (1, 1, 7, 1)],          # second input broadcasts
    [(1, 1, 1, 3), (1, 5, 7, 3)],          # first input broadcasts
    [(2, 5, 3), (5, 1)],                   # rank differs
    [(1, 4, 1, 3), (1, 1, 5, 3)],          # both broadcast
    [(13,), (1,)],                         # scalar
    [(2, 1, 3, 1, 4), (1, 3, 1, 5, 1)],    # 5-D
]


@pytest.mark.parametrize("kind", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("shapes", SHAPES, ids=["x".join("-".join(map(str, s)) for s in sh)
                                                 for sh in SHAPES])
@pytest.mark.fast_first
def test_binary_shapes(kind, shapes):
    path = binary_model(kind, None, shapes)
    assert kind in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


@pytest.mark.parametrize("kind", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("act", ["RELU", "RELU6"])
@pytest.mark.fast_first
def test_binary_fused_activation(kind, act):
    path = binary_model(kind, act, SHAPES[1], rep_range=(-4.0, 4.0))
    g = load_model(path)
    op = [o for o in g.ops if o.opcode == kind][0]
    assert op.options.get("fused_activation") == act
    assert sweep_mismatches(path, samples=4) == 0


@pytest.mark.parametrize("kind", ["FULLY_CONNECTED", "ADD", "SUB", "MUL"])
@pytest.mark.fast_first
def test_unsupported_fused_activation_is_one_error_line(kind, tmp_path):
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    base = model("ad01_int8") if kind == "FULLY_CONNECTED" else binary_model(kind, None, SHAPES[0])
    path = edited(base, "tanh", options={"fusedActivationFunction":
                                         schema.ActivationFunctionType.TANH})
    assert read_model(path).ops[0].opcode == kind   # parsed only: validation refuses it
    # (TFLM runs it as if the activation were NONE; tinyc says so instead, as for CONV_2D.)
    out = tmp_path / "out"
    r = run_tinyc("build", path, "--board", "host", "--no-compile", "-o", out)
    assert r.returncode == 2, r.stderr
    assert [ln for ln in r.stderr.splitlines() if ln.startswith("error:")] == [
        f"error: op 0 {kind}: fused activation TANH is not supported on int8 (only NONE, "
        "RELU, RELU6, RELU_N1_TO_1)"]
    assert "Traceback" not in r.stderr
    assert not out.exists()


# (in1 scale, zp), (in2 scale, zp), (out scale, zp): unequal scales, extreme zero points.
BINARY_QUANT = [
    ((0.01, 0), (0.1, 0), (0.1, 0)),
    ((0.2, -128), (0.003, 127), (0.05, -20)),
    ((0.05, 17), (0.05, -33), (0.001, 90)),
    ((0.0039, -128), (0.5, 0), (0.9, 10)),
]


@pytest.mark.parametrize("kind", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("q", BINARY_QUANT, ids=[f"q{i}" for i in range(len(BINARY_QUANT))])
@pytest.mark.fast_first
def test_binary_quantization(kind, q):
    path = edited(binary_model(kind, None, SHAPES[1]), f"{kind}-q",
                  quant={"in0": q[0], "in1": q[1], "out": q[2]})
    assert opcodes(path) == [kind]
    assert sweep_mismatches(path, samples=4) == 0


def test_add_with_constant_operand():
    path = int8_fn_model("ew_add_const", lambda x: x + _tf().constant(
        np.linspace(-1, 1, 7, dtype=np.float32)), [(1, 3, 7)])
    assert "ADD" in opcodes(path)
    assert sweep_mismatches(path) == 0


# ---------------------------------------------------------------- in place and errors

def test_in_place_with_planner():
    """A chain of in-place-capable ops under the real planner (outputs over inputs)."""
    tf = lazy_tf()
    path = int8_model("ew_chain", lambda x, y: tf.keras.layers.Softmax()(
        tf.keras.layers.Activation("tanh")(tf.keras.layers.Add()([
            tf.keras.layers.ReLU()(x), y]))), [(2, 21), (2, 21)])
    g = load_model(path)
    plan = plan_memory(g, get_board("host"), rules=NATIVE_RULES)
    shared = 0
    for op in g.ops:
        if op.opcode in ("RELU", "ADD", "TANH", "SOFTMAX"):
            assert NATIVE_RULES.inplace(g, op)
            shared += plan.offset(op.outputs[0]) == plan.offset(op.inputs[0])
    assert shared >= 3        # the planner did run ops in place
    assert mismatches(path, samples=10, plan=plan) == 0


def test_softmax_bad_output_quant_is_one_line_error(tmp_path):
    path = edited(softmax_base((3, 17)), "badsm", quant={"out": (0.01, 0)})
    g = read_model(path)   # parsed only: validation refuses it
    with pytest.raises(TinycError, match=r"op 0 SOFTMAX: int8 output must have zero point -128"):
        build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES), tmp_path)
