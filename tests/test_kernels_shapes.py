"""SHAPE, PACK, UNPACK and FILL folded at compile time (tinyc/passes/fold_shapes.py): no code
on the device, and the model bit-exact against the TFLM interpreter.

TensorFlow only keeps these ops when the batch is dynamic, and tinyc needs static shapes: the
models are converted with a `None` batch and then given their static shapes back (the shape
signature removed), which is what the real-world models that carry them look like.
"""
from __future__ import annotations

import inspect

import pytest

import tflite_edit
from bitexact import mismatches
from modelgen import _cached, _convert, _tf
from tinyc.errors import TinycError
from tinyc.frontend import load_model, read_model
from tinyc.reference import random_inputs, tflm_outputs


def dynamic_batch_model(name, fn, shapes):
    """An int8 model of `fn` converted with a dynamic batch, then pinned to `shapes`."""
    def make():
        tf = _tf()
        tf.keras.utils.set_random_seed(0)
        sig = [tf.TensorSpec([None, *s[1:]], tf.float32) for s in shapes]
        cf = tf.function(fn, input_signature=sig).get_concrete_function()
        conv = tf.lite.TFLiteConverter.from_concrete_functions([cf])
        part = _cached(f"{name}-dyn", f"{name}|{inspect.getsource(fn)}|{shapes}",
                       lambda: _convert(conv, shapes, 0, True, True, (-1.0, 1.0)))
        m = tflite_edit.load(part)
        for t in m.subgraphs[0].tensors:
            t.shapeSignature = None
        tmp = part.with_suffix(".static")
        tflite_edit.save(m, tmp)
        return tmp.read_bytes()
    return _cached(name, f"{name}|{inspect.getsource(fn)}|{shapes}|static", make)


def _flatten(x):
    tf = _tf()
    return tf.reshape(x, tf.stack([tf.shape(x)[0], 24]))


def _flatten_3d(x):
    tf = _tf()
    return tf.reshape(x, tf.stack([tf.shape(x)[0], 12, 2])) * 2.0


def _fill(x):
    tf = _tf()
    return x + tf.fill(tf.shape(x), 0.5)


def _unstack_shape(x):
    tf = _tf()
    return tf.reshape(x, tf.stack([tf.unstack(tf.shape(x))[0], 6, 4]))


def _unpack_unit_axis(x):
    return _tf().unstack(x, axis=1)[0] * 2.0


CASES = [
    ("flatten", _flatten, [(1, 3, 4, 2)], {"SHAPE", "STRIDED_SLICE", "PACK"}),
    ("flatten_3d", _flatten_3d, [(1, 3, 4, 2)], {"SHAPE", "STRIDED_SLICE", "PACK"}),
    ("unstack_shape", _unstack_shape, [(1, 3, 4, 2)], {"SHAPE"}),
    ("unpack_unit_axis", _unpack_unit_axis, [(2, 1, 5)], {"UNPACK"}),
]


@pytest.mark.parametrize("name,fn,shapes,folded", CASES, ids=[c[0] for c in CASES])
def test_folded_and_bit_exact(name, fn, shapes, folded):
    path = dynamic_batch_model(f"fold_{name}", fn, shapes)
    before = [op.opcode for op in read_model(path).ops]
    assert folded <= set(before), before
    g = load_model(path)
    after = [op.opcode for op in g.ops]
    assert not {"SHAPE", "PACK", "UNPACK", "FILL"} & set(after), after
    assert [op.index for op in g.ops] == list(range(len(g.ops)))
    assert mismatches(path, samples=8) == 0


def test_pack_of_one_run_time_tensor_is_an_alias():
    """A RESHAPE that inserts a unit axis, rewritten as the PACK of one tensor it equals."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    base = dynamic_batch_model("fold_pack1_base", lambda x: _tf().reshape(x, [1, 1, 3, 4]) * 2.0,
                               [(1, 3, 4)])

    def make():
        m = tflite_edit.load(base)
        sg = m.subgraphs[0]
        op = next(o for o in sg.operators
                  if m.operatorCodes[o.opcodeIndex].builtinCode == schema.BuiltinOperator.RESHAPE)
        oc = schema.OperatorCodeT()
        oc.builtinCode = oc.deprecatedBuiltinCode = schema.BuiltinOperator.PACK
        m.operatorCodes.append(oc)
        op.opcodeIndex = len(m.operatorCodes) - 1
        op.inputs = op.inputs[:1]
        op.builtinOptionsType = schema.BuiltinOptions.PackOptions
        op.builtinOptions = schema.PackOptionsT()
        op.builtinOptions.valuesCount, op.builtinOptions.axis = 1, 1
        tmp = base.with_suffix(".pack")
        tflite_edit.save(m, tmp)
        return tmp.read_bytes()
    path = _cached("fold_pack1", f"{base.name}|pack", make)
    assert "PACK" in [op.opcode for op in read_model(path).ops]
    assert "PACK" not in [op.opcode for op in load_model(path).ops]
    assert mismatches(path, samples=8) == 0


def test_unpack_of_run_time_tensor_is_one_line_error():
    path = dynamic_batch_model("fold_unpack2", lambda x: _tf().concat(
        [u * 2.0 for u in _tf().unstack(x, axis=1)], axis=1), [(2, 2, 5)])
    assert "UNPACK" in [op.opcode for op in read_model(path).ops]
    with pytest.raises(TinycError, match=r"^op \d+ UNPACK: it splits a tensor computed at run "
                                         r"time into 2; .*try --backend tflm$"):
        load_model(path)


def test_fill_with_run_time_dims_is_refused_as_tflm_does():
    path = dynamic_batch_model("fold_fill", _fill, [(1, 3, 4)])
    assert {"SHAPE", "FILL"} <= {op.opcode for op in read_model(path).ops}
    # TFLM (in its child process): "Non-constant >dims< tensor is not supported"
    with pytest.raises(TinycError, match="TFLM reference interpreter refuses"):
        tflm_outputs(read_model(path), random_inputs(read_model(path), 1, 0))
    with pytest.raises(TinycError, match=r"^op 1 FILL: its dims tensor is computed at run time"):
        load_model(path)


def test_folded_ops_are_supported_ops():
    """SHAPE/PACK/UNPACK/FILL have no lowering (they never reach the device): the supported-op
    list must still name them, or `inspect` and validation refuse models the build handles."""
    from tinyc.ops import NATIVE_OPS
    from tinyc.passes.fold_shapes import FOLDED_OPS
    assert FOLDED_OPS <= NATIVE_OPS


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
