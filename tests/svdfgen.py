"""Small SVDF models built directly as flatbuffers (TensorFlow's converter emits SVDF only for
a few graph patterns), with seeded weights and scales chosen so that neither the state nor the
output saturates everywhere.

    path = svdf_model(batch=2, input_size=12, units=6, rank=2, memory=4, state="int8")
"""
from __future__ import annotations

import hashlib
import math

import flatbuffers
import numpy as np

from modelgen import CACHE


def svdf_model(batch=1, input_size=12, units=6, rank=1, memory=4, state="int8",
               activation="NONE", input_zp=-3, state_zp=-20, output_zp=7, bias_scale=None,
               seed=0, variable=True, weights_time="same", name="svdf"):
    """One SVDF op: int8 input [batch, input_size] -> int8 output [batch, units], state
    [batch, memory * filters] of type `state` (weights_time of the same type unless given).
    bias_scale: None = state scale x weights_time scale (what TFLM requires)."""
    key = repr(sorted(locals().items()))
    out = CACHE / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.tflite"
    if out.exists():
        return out
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as s
    rng = np.random.default_rng(seed)
    filters = units * rank
    wt_type = state if weights_time == "same" else weights_time
    wt_max = 127 if wt_type == "int8" else 32767
    state_span = 40 if state == "int8" else 3000   # the state's typical |q - zp|
    s_in, s_wf, s_wt = 0.05, 0.01, 0.002
    eff1 = state_span / (math.sqrt(input_size) * 74 * 73)
    eff2 = 40 / (math.sqrt(memory * rank) * state_span * wt_max * 0.58)
    s_state = float(np.float32(s_in * s_wf / eff1))
    s_out = float(np.float32(s_state * s_wt / eff2))
    b_scale = float(np.float32(np.float32(s_state) * np.float32(s_wt))) \
        if bias_scale is None else bias_scale

    ttype = {"int8": s.TensorType.INT8, "int16": s.TensorType.INT16,
             "int32": s.TensorType.INT32}
    npt = {"int8": np.int8, "int16": np.int16, "int32": np.int32}
    m = s.ModelT()
    m.version = 3
    m.buffers = [s.BufferT()]
    sg = s.SubGraphT()
    sg.tensors = []

    def tensor(tname, shape, dtype, scale, zp, data=None, is_var=False):
        t = s.TensorT()
        t.name, t.shape, t.type = tname.encode(), list(shape), ttype[dtype]
        q = s.QuantizationParametersT()
        q.scale, q.zeroPoint = [float(scale)], [int(zp)]
        t.quantization = q
        t.buffer = 0
        if data is not None:
            b = s.BufferT()
            b.data = np.ascontiguousarray(data, npt[dtype]).view(np.uint8).reshape(-1).tolist()
            m.buffers.append(b)
            t.buffer = len(m.buffers) - 1
        t.isVariable = is_var
        sg.tensors.append(t)
        return len(sg.tensors) - 1

    x = tensor("input", [batch, input_size], "int8", s_in, input_zp)
    wf = tensor("weights_feature", [filters, input_size], "int8", s_wf, 0,
                rng.integers(-127, 128, (filters, input_size)))
    wt = tensor("weights_time", [filters, memory], wt_type, s_wt, 0,
                rng.integers(-wt_max, wt_max + 1, (filters, memory)))
    bias = tensor("bias", [units], "int32", b_scale, 0,
                  rng.integers(-4 * state_span * wt_max, 4 * state_span * wt_max + 1, units))
    st = tensor("state", [batch, memory * filters], state, s_state, state_zp, is_var=variable)
    y = tensor("output", [batch, units], "int8", s_out, output_zp)
    oc = s.OperatorCodeT()
    oc.builtinCode, oc.deprecatedBuiltinCode, oc.version = s.BuiltinOperator.SVDF, \
        s.BuiltinOperator.SVDF, 1
    m.operatorCodes = [oc]
    op = s.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [x, wf, wt, bias, st], [y]
    op.builtinOptionsType = s.BuiltinOptions.SVDFOptions
    op.builtinOptions = s.SVDFOptionsT()
    op.builtinOptions.rank = rank
    op.builtinOptions.fusedActivationFunction = getattr(s.ActivationFunctionType, activation)
    sg.operators = [op]
    sg.inputs, sg.outputs = [x], [y]
    m.subgraphs = [sg]
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part")
    tmp.write_bytes(b.Output())
    tmp.replace(out)
    return out
