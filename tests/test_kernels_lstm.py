"""UNIDIRECTIONAL_SEQUENCE_LSTM against the TFLM interpreter, byte for byte: small Keras LSTMs
(tf-keras: Keras 3's LSTM crashes TensorFlow's int8 calibrator) and the shared LSTM models."""
from __future__ import annotations

import ctypes
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from modelgen import _cached
from test_kernels_elementwise import edited, opcodes
from tinyc.backends.native.debug_plan import NoReusePlan
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.errors import TinycError
from tinyc.frontend import load_model
from tinyc.hostlib import build_host_model
from tinyc.reference import random_inputs, tflm_outputs

_MAKE = r"""
import os, sys
import numpy as np
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow as tf
import tf_keras as keras
batch, steps, features, units, seq, time_major, act, seed, out = sys.argv[1:]
batch, steps, features, units, seed = map(int, (batch, steps, features, units, seed))
seq, time_major = seq == "1", time_major == "1"
keras.utils.set_random_seed(seed)
shape = (batch, steps, features) if not time_major else (steps, batch, features)
x = keras.Input(shape=shape[1:], batch_size=shape[0])
y = keras.layers.LSTM(units, return_sequences=seq, time_major=time_major, activation=act)(x)
conv = tf.lite.TFLiteConverter.from_keras_model(keras.Model(x, y))
def rep():
    rng = np.random.default_rng(seed)
    for _ in range(32):
        yield [rng.uniform(-1.0, 1.0, shape).astype(np.float32)]
conv.optimizations = [tf.lite.Optimize.DEFAULT]
conv.representative_dataset = rep
conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
conv.inference_input_type = tf.int8
conv.inference_output_type = tf.int8
open(out, "wb").write(conv.convert())
"""


def lstm_model(batch, steps, features, units, seq=True, time_major=False, act="tanh",
               seed=0) -> Path:
    """A one-layer Keras LSTM, full-integer int8, converted in a child process."""
    args = [str(a) for a in (batch, steps, features, units, int(seq), int(time_major), act,
                             seed)]

    def make():
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "m.tflite"
            r = subprocess.run([sys.executable, "-c", _MAKE, *args, str(out)],
                               capture_output=True, text=True, timeout=600)
            assert r.returncode == 0, r.stderr[-2000:]
            return out.read_bytes()
    return _cached("lstm_" + "_".join(args), _MAKE + "|".join(args), make)


def reset_states(m, g, plan) -> None:
    """TFLM's ResetVariableTensors: each variable tensor filled with its zero point (int8),
    else zeros."""
    base = m.lib.tinyc_input(0) - plan.offset(g.inputs[0])
    for t in g.activations():
        if t.is_variable:
            fill = int(t.quant.zero_point[0]) & 0xFF if t.dtype == "int8" and t.quant else 0
            ctypes.memset(base + plan.offset(t.id), fill, t.nbytes)


def lstm_mismatches(path, samples: int = 4, seed: int = 0) -> int:
    """Mismatched output bytes over seeded random inputs, each from freshly reset states (the
    interpreter is reset before each sample too)."""
    g = load_model(path)
    plan = NoReusePlan(g, NATIVE_RULES)
    with tempfile.TemporaryDirectory(prefix="tinyc-kt-") as work:
        m = build_host_model(g, get_board("host"), plan, Path(work), sanitize=True)
    xs = random_inputs(g, samples, seed)
    bad = 0
    for x, r in zip(xs, tflm_outputs(g, xs)):
        reset_states(m, g, plan)
        bad += sum(int(np.count_nonzero(a != b)) for a, b in zip(m.run(x), r))
    return bad


# (batch, steps, features, units, return_sequences, time_major, activation)
CASES = [(1, 3, 4, 5, True, False, "tanh"),
         (1, 1, 3, 7, True, False, "tanh"),
         (1, 6, 10, 12, False, False, "tanh"),
         (2, 4, 5, 6, True, False, "tanh"),
         (3, 5, 4, 3, True, True, "tanh")]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: "b{}t{}f{}u{}-{}{}-{}".format(
    c[0], c[1], c[2], c[3], "seq" if c[4] else "last", "-tm" if c[5] else "", c[6]))
def test_lstm_keras(case):
    b, t, f, u, seq, tm, act = case
    path = lstm_model(b, t, f, u, seq, tm, act)
    assert "UNIDIRECTIONAL_SEQUENCE_LSTM" in opcodes(path)
    op = next(o for o in load_model(path).ops if o.opcode == "UNIDIRECTIONAL_SEQUENCE_LSTM")
    assert bool(op.options.get("time_major")) == tm
    assert lstm_mismatches(path) == 0
