"""Data-movement ops (SPLIT, SPLIT_V, GATHER, EXPAND_DIMS, SQUEEZE, SLICE, DEPTH_TO_SPACE,
SPACE_TO_DEPTH, MIRROR_PAD): tinyc's native kernels against the TFLM interpreter, byte for
byte, on every axis, uneven parts and negative axes."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from modelgen import _cached, _tf, int8_fn_model, lazy_tf
from test_kernels_elementwise import opcodes, sweep_mismatches
from tinyc.backends.native.debug_plan import NoReusePlan
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.errors import TinycError
from tinyc.frontend import load_model
from tinyc.hostlib import build_host_model
from tinyc.reference import tflm_outputs


def _outputs_times_two(parts):
    # a distinct op after each part keeps every output a tensor of its own
    return [p * 2.0 for p in parts]


SPLITS = [
    ("SPLIT", (1, 6, 4, 3), 1, 3),
    ("SPLIT", (2, 5, 6), -1, 2),
    ("SPLIT", (4, 3), 0, 4),
    ("SPLIT_V", (1, 7, 5, 2), 1, [2, 4, 1]),
    ("SPLIT_V", (2, 3, 9), 2, [5, -1]),
    ("SPLIT_V", (3, 8), -2, [1, 2]),
]


@pytest.mark.parametrize("opcode,shape,axis,parts", SPLITS,
                         ids=[f"{c[0]}-{'x'.join(map(str, c[1]))}-ax{c[2]}" for c in SPLITS])
def test_split(opcode, shape, axis, parts):
    def fn(x):
        tf = _tf()
        return _outputs_times_two(tf.split(x, parts, axis=axis))
    path = int8_fn_model(f"mv_{opcode.lower()}_{'x'.join(map(str, shape))}_{axis}_{parts}",
                         lambda x: fn(x), [shape])
    assert opcode in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


GATHERS = [((1, 6, 4), [2, 0, 5, 5], 1, 0), ((5, 3), [[4, 1], [0, 0]], 0, 0),
           ((2, 3, 4, 2), [3, 1], -2, 0), ((2, 5, 3), [[1, 4, 0], [2, 2, 3]], 1, 1)]


@pytest.mark.parametrize("shape,idx,axis,bd", GATHERS,
                         ids=[f"{'x'.join(map(str, c[0]))}-ax{c[2]}-bd{c[3]}" for c in GATHERS])
def test_gather_constant_positions(shape, idx, axis, bd):
    def fn(x):
        tf = _tf()
        return tf.gather(x, tf.constant(idx, tf.int32), axis=axis, batch_dims=bd) * 2.0
    path = int8_fn_model(f"mv_gather_{'x'.join(map(str, shape))}_{axis}_{bd}_{idx}",
                         lambda x: fn(x), [shape])
    assert "GATHER" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


def test_gather_run_time_positions():
    """An int8 table gathered by an int32 model input (as an embedding lookup), with in-range
    positions (TFLM does not check them; tinyc's kernel refuses out-of-range ones)."""
    tf = lazy_tf()
    table = np.linspace(-1, 1, 8 * 3, dtype=np.float32).reshape(8, 3)

    def make():
        tf.keras.utils.set_random_seed(0)
        sig = [tf.TensorSpec((1, 5), tf.int32), tf.TensorSpec((1, 3), tf.float32)]
        fn = tf.function(lambda i, x: tf.gather(tf.constant(table), i) * x[:, None, :],
                         input_signature=sig)
        conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()])
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        rng = np.random.default_rng(0)
        conv.representative_dataset = lambda: ([rng.integers(0, 8, (1, 5)).astype(np.int32),
                                                rng.uniform(-1, 1, (1, 3)).astype(np.float32)]
                                               for _ in range(32))
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
        return conv.convert()
    g = load_model(_cached("mv_gather_runtime", "gather-runtime-v1", make))
    gather = next(o for o in g.ops if o.opcode == "GATHER")
    assert not g.tensors[gather.inputs[1]].is_const
    m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES),
                         Path(tempfile.mkdtemp(prefix="tinyc-kt-")), sanitize=True)
    rng = np.random.default_rng(1)
    assert "int32" in [t.dtype for t in g.input_tensors()]
    xs = [[rng.integers(0, 8, t.shape).astype(np.int32) if t.dtype == "int32"
           else rng.integers(-128, 128, t.shape).astype(np.int8) for t in g.input_tensors()]
          for _ in range(6)]
    for x, r in zip(xs, tflm_outputs(g, xs)):
        assert all(np.array_equal(a, b) for a, b in zip(m.run(x), r))
    bad = [x.copy() for x in xs[0]]
    bad[[t.dtype for t in g.input_tensors()].index("int32")][0, 2] = 8
    with pytest.raises(TinycError, match="tinyc_invoke"):
        m.run(bad)


def _reshape_as(opcode: str) -> Path:
    """A RESHAPE that inserts (drops) axis 1 rewritten as EXPAND_DIMS (SQUEEZE): the converter
    emits RESHAPE for both, TFLM runs all three."""
    import tflite_edit
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    shape = (1, 4, 5) if opcode == "EXPAND_DIMS" else (1, 1, 6)
    to = [1, 1, 4, 5] if opcode == "EXPAND_DIMS" else [1, 6]
    base = int8_fn_model(f"mv_reshape_{len(to)}", lambda x: _tf().reshape(x, to) * 2.0, [shape])

    def make():
        m = tflite_edit.load(base)
        sg = m.subgraphs[0]
        op = next(o for o in sg.operators
                  if m.operatorCodes[o.opcodeIndex].builtinCode == schema.BuiltinOperator.RESHAPE)
        oc = schema.OperatorCodeT()
        oc.builtinCode = oc.deprecatedBuiltinCode = getattr(schema.BuiltinOperator, opcode)
        m.operatorCodes.append(oc)
        op.opcodeIndex = len(m.operatorCodes) - 1
        if opcode == "SQUEEZE":
            op.inputs = op.inputs[:1]
            op.builtinOptionsType = schema.BuiltinOptions.SqueezeOptions
            op.builtinOptions = schema.SqueezeOptionsT()
            op.builtinOptions.squeezeDims = [1]
        else:
            buf = schema.BufferT()
            buf.data = list(np.array([1], np.int32).tobytes())
            m.buffers.append(buf)
            axis = sg.tensors[op.inputs[1]]
            axis.buffer, axis.shape = len(m.buffers) - 1, [1]
            op.builtinOptionsType = schema.BuiltinOptions.ExpandDimsOptions
            op.builtinOptions = schema.ExpandDimsOptionsT()
        tmp = base.with_suffix(f".{opcode}")
        tflite_edit.save(m, tmp)
        return tmp.read_bytes()
    return _cached(f"mv_{opcode.lower()}", f"{base.name}|{opcode}", make)


@pytest.mark.parametrize("opcode", ["EXPAND_DIMS", "SQUEEZE"])
def test_expand_dims_and_squeeze_are_views(opcode):
    path = _reshape_as(opcode)
    assert opcode in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


BLOCKS = [("DEPTH_TO_SPACE", (1, 3, 4, 8), 2), ("DEPTH_TO_SPACE", (2, 2, 3, 18), 3),
          ("SPACE_TO_DEPTH", (1, 4, 6, 3), 2), ("SPACE_TO_DEPTH", (2, 6, 3, 2), 3)]


@pytest.mark.parametrize("opcode,shape,block", BLOCKS,
                         ids=[f"{c[0]}-{'x'.join(map(str, c[1]))}-b{c[2]}" for c in BLOCKS])
def test_depth_space(opcode, shape, block):
    def fn(x):
        tf = _tf()
        f = tf.nn.depth_to_space if opcode == "DEPTH_TO_SPACE" else tf.nn.space_to_depth
        return f(x, block) * 2.0
    path = int8_fn_model(f"mv_{opcode.lower()}_{'x'.join(map(str, shape))}_{block}",
                         lambda x: fn(x), [shape])
    assert opcode in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


SLICES = [((1, 6, 5, 4), [0, 1, 2, 1], [1, 3, -1, 2]), ((3, 7), [1, 2], [2, 4]),
          ((2, 5, 6), [1, 0, 3], [1, -1, 3])]


@pytest.mark.parametrize("shape,begin,size", SLICES,
                         ids=[f"{'x'.join(map(str, c[0]))}" for c in SLICES])
def test_slice(shape, begin, size):
    path = int8_fn_model(f"mv_slice_{'x'.join(map(str, shape))}_{begin}_{size}",
                         lambda x: _tf().slice(x, begin, size) * 2.0, [shape])
    assert "SLICE" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


MIRRORS = [((1, 5, 6, 3), [[0, 0], [2, 1], [1, 3], [0, 0]], "REFLECT"),
           ((1, 5, 6, 3), [[0, 0], [2, 1], [1, 3], [0, 0]], "SYMMETRIC"),
           ((2, 7), [[1, 0], [3, 3]], "REFLECT"), ((4, 3, 2), [[0, 4], [3, 0], [2, 2]], "SYMMETRIC")]


@pytest.mark.parametrize("shape,pads,mode", MIRRORS,
                         ids=[f"{'x'.join(map(str, c[0]))}-{c[2]}" for c in MIRRORS])
def test_mirror_pad(shape, pads, mode):
    path = int8_fn_model(f"mv_mirror_{'x'.join(map(str, shape))}_{pads}_{mode}",
                         lambda x: _tf().pad(x, pads, mode=mode) * 2.0, [shape])
    assert "MIRROR_PAD" in opcodes(path)
    op = next(o for o in load_model(path).ops if o.opcode == "MIRROR_PAD")
    assert op.options.get("mode") == {"REFLECT": 0, "SYMMETRIC": 1}[mode]
    assert sweep_mismatches(path, samples=4) == 0


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
