"""SQUEEZE and EXPAND_DIMS: supported because they have a lowering, bit-exact against TFLM.

TensorFlow's converter turns both into RESHAPE, so the model is a Conv1D-like
RESHAPE -> CONV_2D -> RESHAPE whose first op is rewritten to EXPAND_DIMS (axis 1) and last
to SQUEEZE (squeeze_dims [1]); the TFLM interpreter runs the rewritten model as reference.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

import tflite_edit
from conftest import run_tinyc
from modelgen import CACHE, int8_fn_model

_W = np.random.default_rng(0).uniform(-1, 1, (1, 3, 6, 4)).astype(np.float32)


def conv1d_by_reshape(x):
    import tensorflow as tf
    return tf.squeeze(tf.nn.conv2d(tf.expand_dims(x, 1), _W, 1, "SAME"), axis=1)


def expand_conv_squeeze():
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    src = int8_fn_model("conv1d_by_reshape", conv1d_by_reshape, [(1, 8, 6)], seed=3)
    out = CACHE / f"expand_conv_squeeze-{hashlib.sha256(src.read_bytes()).hexdigest()[:10]}.tflite"
    if out.exists():
        return out
    m = tflite_edit.load(src)
    sg = m.subgraphs[0]
    first, last = sg.operators[0], sg.operators[-1]
    for op, name in ((first, "EXPAND_DIMS"), (last, "SQUEEZE")):
        assert m.operatorCodes[op.opcodeIndex].builtinCode == schema.BuiltinOperator.RESHAPE
        code = getattr(schema.BuiltinOperator, name)
        m.operatorCodes.append(schema.OperatorCodeT())
        m.operatorCodes[-1].builtinCode = m.operatorCodes[-1].deprecatedBuiltinCode = code
        m.operatorCodes[-1].version = 1
        op.opcodeIndex = len(m.operatorCodes) - 1
    axis = sg.tensors[first.inputs[1]]
    axis.shape = [1]
    m.buffers[axis.buffer].data = np.array([1], np.int32).view(np.uint8)
    first.builtinOptionsType, first.builtinOptions = schema.BuiltinOptions.ExpandDimsOptions, \
        schema.ExpandDimsOptionsT()
    last.inputs = last.inputs[:1]
    last.builtinOptionsType = schema.BuiltinOptions.SqueezeOptions
    last.builtinOptions = schema.SqueezeOptionsT()
    last.builtinOptions.squeezeDims = [1]
    tmp = out.with_suffix(".part")
    tflite_edit.save(m, tmp)
    tmp.replace(out)
    return out


@pytest.mark.slow
def test_squeeze_and_expand_dims_bit_exact_on_host():
    path = expand_conv_squeeze()
    ops = json.loads(run_tinyc("inspect", path, "--json").stdout)
    assert [o["op"] for o in ops["ops"]] == ["EXPAND_DIMS", "CONV_2D", "SQUEEZE"]
    assert ops["supported"]
    r = run_tinyc("verify", path, "--board", "host", "--samples", "20", "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["bit_exact"] and rep["mismatched_bytes"] == 0 and rep["samples"] == 20
