"""UNIDIRECTIONAL_SEQUENCE_LSTM against the TFLM interpreter, byte for byte: small Keras LSTMs
(tf-keras: Keras 3's LSTM crashes TensorFlow's int8 calibrator) and the shared LSTM models."""
from __future__ import annotations

import ctypes
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import tflite_edit
from bitexact import mismatches
from conftest import model, run_tinyc
from modelgen import CACHE, _cached
from test_kernels_elementwise import edited, opcodes
from test_ram_overlap_dsp import replayed_shift
from tinyc.backends.native.access_order import rows_read_during_overlap
from tinyc.backends.native.codegen import KERNELS_DIR
from tinyc.backends.native.debug_plan import NoReusePlan
from tinyc.backends.native.lower import lowering_for
from tinyc.backends.native.ops import unidirectional_sequence_lstm as lstm
from tinyc.backends.native.ops import unidirectional_sequence_lstm_dsp as lstm_dsp
from tinyc.backends.native.rules import NATIVE_RULES, NativeRules
from tinyc.backends.native.target import Target
from tinyc.boards import get_board
from tinyc.errors import TinycError
from tinyc.frontend import load_model
from tinyc.hostlib import compile_shared
from tinyc.planner import plan_memory
from tinyc.reference import random_inputs, tflm_outputs

_MAKE = r"""
import os, sys
import numpy as np
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow as tf
import tf_keras as keras
batch, steps, features, units, seq, time_major, act, seed, out = sys.argv[1:]
batch, steps, features, seed = map(int, (batch, steps, features, seed))
units = [int(u) for u in units.split("x")]     # "8x6": two stacked layers
seq, time_major = seq == "1", time_major == "1"
keras.utils.set_random_seed(seed)
shape = (batch, steps, features) if not time_major else (steps, batch, features)
x = keras.Input(shape=shape[1:], batch_size=shape[0])
y = x
for k, n in enumerate(units):
    y = keras.layers.LSTM(n, return_sequences=seq or k < len(units) - 1, time_major=time_major,
                          activation=act)(y)
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
    """A Keras LSTM (units "8x6": two stacked layers), full-integer int8, converted in a
    child process."""
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


# (batch, steps, features, units, return_sequences, time_major, activation)
CASES = [(1, 3, 4, 5, True, False, "tanh"),
         (1, 4, 6, "8x6", False, False, "tanh"),
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
    assert mismatches(path, samples=4) == 0   # one sequence: state carried across samples


def _clip_changes_tflm(path, clipped) -> bool:
    g, gc = load_model(path), load_model(clipped)
    xs = random_inputs(g, 2, 0)
    return any((a[0] != b[0]).any() for a, b in zip(tflm_outputs(g, xs), tflm_outputs(gc, xs)))


@pytest.mark.slow
@pytest.mark.parametrize("clip", [0.0, 0.02, 0.3])
def test_lstm_cell_clip(clip):
    """cell_clip 0 turns clipping off; 0.02 and 0.3 clip a cell state in 2^-15 steps."""
    path = lstm_model(1, 3, 4, 5)
    clipped = edited(path, f"clip{clip}", options={"cellClip": clip})
    if clip:
        assert _clip_changes_tflm(path, clipped)   # the clip does act in TFLM
    assert mismatches(clipped, samples=4) == 0


def rewired(path, tag: str, inputs: dict | None = None, not_variable=(), per_channel=(),
            dtypes: dict | None = None, activation: int | None = None) -> Path:
    """A copy of an LSTM model with op 0's inputs {position: tensor id or -1} replaced, the
    inputs at `not_variable` no longer variable, the weights at `per_channel` quantized per
    unit, the inputs at `dtypes` retyped, or the fused activation code changed."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    key = f"{path.name}|{tag}|{inputs}|{not_variable}|{per_channel}|{dtypes}|{activation}"
    out = CACHE / f"{path.stem}-rw-{hashlib.sha256(key.encode()).hexdigest()[:10]}.tflite"
    if out.exists():
        return out
    m = tflite_edit.load(path)
    sg = m.subgraphs[0]
    op = next(o for o in sg.operators if o.inputs is not None and len(o.inputs) == 24)
    for k, tid in (inputs or {}).items():
        op.inputs[k] = tid
    for k in not_variable:
        sg.tensors[op.inputs[k]].isVariable = False
    for k in per_channel:
        t = sg.tensors[op.inputs[k]]
        t.quantization.scale = [t.quantization.scale[0] * (1 + i / 8) for i in range(t.shape[0])]
        t.quantization.zeroPoint = [0] * t.shape[0]
        t.quantization.quantizedDimension = 0
    for k, dt in (dtypes or {}).items():
        sg.tensors[op.inputs[k]].type = getattr(schema.TensorType, dt)
    if activation is not None:
        op.builtinOptions.fusedActivationFunction = activation
    tmp = out.with_suffix(".part")
    tflite_edit.save(m, tmp)
    tmp.replace(out)
    return out


# (tag, rewired() arguments, the reason tinyc gives, whether TFLM's Prepare refuses it too)
REFUSED = [
    ("peephole", {"inputs": {10: "bias13"}}, "peephole LSTM variant", True),
    ("projection", {"inputs": {16: "w5"}}, "projection LSTM variant", True),
    ("layer-norm", {"inputs": {21: "bias13"}}, "layer normalization LSTM variant", True),
    ("cifg", {"inputs": {1: -1, 5: -1}}, "CIFG variant", True),
    ("hidden-not-variable", {"not_variable": (18,)}, "read before any op writes it", True),
    ("cell-int8", {"dtypes": {19: "INT8"}}, "needs int16", True),
    ("per-channel", {"per_channel": (2,)}, "quantized per channel", False),
    ("relu", {"activation": 1}, "cell activation RELU", False),
]


@pytest.mark.slow
@pytest.mark.parametrize("tag,edit,reason,tflm_refuses", REFUSED, ids=[r[0] for r in REFUSED])
def test_lstm_refused(tag, edit, reason, tflm_refuses):
    path = lstm_model(1, 3, 4, 5)
    op = load_model(path).ops[0]
    ids = {"bias13": op.inputs[13], "w5": op.inputs[5]}
    if "inputs" in edit:
        edit = {**edit, "inputs": {k: ids.get(v, v) for k, v in edit["inputs"].items()}}
    bad = rewired(path, tag, **edit)
    with pytest.raises(TinycError) as e:
        load_model(bad)
    assert "UNIDIRECTIONAL_SEQUENCE_LSTM" in e.value.message and reason in e.value.message
    if tflm_refuses:
        with pytest.raises(TinycError):
            tflm_outputs(load_model(bad, backend="tflm"), random_inputs(load_model(path), 1, 0))


SHARED = ["trained_lstm_int8", "tflm_micro_speech_lstm"]
DSP = Target(get_board("host"), features=frozenset({"dsp"}))


@pytest.mark.slow
@pytest.mark.parametrize("name", SHARED)
@pytest.mark.parametrize("kernels", ["portable", "dsp"])
def test_shared_lstm_models_on_host(name, kernels):
    """With the planner's plan (the DSP kernel's output over its dying input), the arena
    poisoned before each invoke (the states excepted): the states survive between invokes and
    nothing is read after it is overwritten or before it is written."""
    path = model(name)
    rules = NATIVE_RULES if kernels == "portable" else NativeRules(DSP)
    plan = plan_memory(load_model(path), get_board("host"), rules)
    if kernels == "dsp" and name == "tflm_micro_speech_lstm":   # its peak: the contract is used
        lstm = next(o.index for o in load_model(path).ops if o.opcode.startswith("UNIDIR"))
        assert any(v["op"] == lstm and v["overlap_bytes"] > 0 for v in plan.overlaps)
    assert mismatches(path, samples=6, seed=1, plan=plan, poison=True) == 0


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("name", SHARED)
def test_shared_lstm_models_on_mps2_an386(name):
    r = run_tinyc("verify", model(name), "--board", "mps2-an386", "--samples", 4, "--json",
                  timeout=1800)
    assert r.returncode in (0, 1), r.stderr
    rep = json.loads(r.stdout)
    assert rep["samples"] == 4 and rep["bit_exact"] and rep["mismatched_bytes"] == 0, rep


def as_int16x8(path) -> Path:
    """The int8 LSTM model in TFLM's 16-bit activation scheme (TensorFlow's converter does not
    quantize LSTM to 16x8): input, hidden state and output int16 with zero point 0 over the
    int8 tensors' real ranges, biases re-quantized to int64 at the new input scale."""
    out = CACHE / f"{path.stem}-16x8.tflite"
    if out.exists():
        return out
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    m = tflite_edit.load(path)
    sg = m.subgraphs[0]
    op = next(o for o in sg.operators if o.inputs is not None and len(o.inputs) == 24)

    def to_int16(tid):
        t = sg.tensors[tid]
        s, z = t.quantization.scale[0], t.quantization.zeroPoint[0]
        t.type = schema.TensorType.INT16
        t.quantization.scale = [max(abs(-128 - z), abs(127 - z)) * s / 32767.0]
        t.quantization.zeroPoint = [0]
        return s / t.quantization.scale[0]

    in_ratio = to_int16(op.inputs[0])
    to_int16(op.inputs[18])
    to_int16(op.outputs[0])
    for buf in sorted({sg.tensors[op.inputs[k]].buffer for k in (12, 13, 14, 15)}):  # shared
        b32 = np.frombuffer(bytes(m.buffers[buf].data), np.int32)
        b64 = np.round(b32.astype(np.float64) * in_ratio).astype(np.int64)
        m.buffers[buf].data = np.frombuffer(b64.tobytes(), np.uint8)
    for k in (12, 13, 14, 15):
        t = sg.tensors[op.inputs[k]]
        t.type = schema.TensorType.INT64
        t.quantization.scale = [t.quantization.scale[0] / in_ratio]
    tmp = out.with_suffix(".part")
    tflite_edit.save(m, tmp)
    tmp.replace(out)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c[4]],    # whole sequences: LSTM only
                         ids=lambda c: "b{}t{}f{}u{}".format(*c[:4]))
def test_lstm_int16_activations(case):
    b, t, f, u, seq, tm, act = case
    path = as_int16x8(lstm_model(b, t, f, u, seq, tm, act))
    g = load_model(path)
    lstm = next(o for o in g.ops if o.opcode == "UNIDIRECTIONAL_SEQUENCE_LSTM")
    assert g.tensors[lstm.inputs[0]].dtype == g.tensors[lstm.inputs[18]].dtype == "int16"
    assert mismatches(path, samples=4) == 0


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: "b{}t{}f{}u{}{}".format(
    *c[:4], "-tm" if c[5] else ""))
def test_lstm_dsp_variant(case):
    """The DSP kernel (its SIMD helpers in portable C on the host) against TFLM."""
    path = lstm_model(*case)
    g = load_model(path)
    rules = NativeRules(DSP)
    lstm = next(o for o in g.ops if o.opcode == "UNIDIRECTIONAL_SEQUENCE_LSTM")
    assert lowering_for(g, lstm).select(g, lstm, DSP).variant == "dsp"
    assert rules.scratch_bytes(g, lstm) > 0
    assert mismatches(path, samples=4, plan=NoReusePlan(g, rules)) == 0


class _Dims(ctypes.Structure):      # tinyc_lstm_dims, the first member of the params
    _fields_ = [(n, ctypes.c_int32) for n in
                ("batches", "time_steps", "input_size", "units", "time_major")]


def test_lstm_dsp_scratch_twin(tmp_path):
    """The scratch the planner reserves (Python) is what the DSP kernel's scratch_size asks."""
    lib = ctypes.CDLL(str(compile_shared([KERNELS_DIR / "unidirectional_sequence_lstm_s8_dsp.c"],
                                         [KERNELS_DIR], tmp_path / "liblstm.so")))
    fn = lib.tinyc_unidirectional_sequence_lstm_s8_dsp_scratch_size
    fn.restype, fn.argtypes = ctypes.c_int32, [ctypes.POINTER(_Dims)]
    for input_size, units in [(257, 80), (28, 20), (3, 7), (4, 5), (10, 12), (1, 1)]:
        got = fn(ctypes.byref(_Dims(1, 3, input_size, units, 0)))
        assert got == lstm_dsp.scratch_bytes(input_size, units) > 0, (input_size, units)


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["int16-b2", "int8-time-major-u3"])
def test_small_lstm_on_mps2_an386(kind):
    """The int16 kernel and the DSP kernel's odd sizes on the Cortex-M4."""
    path = (as_int16x8(lstm_model(2, 4, 5, 6)) if kind == "int16-b2"
            else lstm_model(3, 5, 4, 3, True, True))
    r = run_tinyc("verify", path, "--board", "mps2-an386", "--samples", 4, "--json",
                  timeout=1800)
    assert r.returncode in (0, 1), r.stderr
    rep = json.loads(r.stdout)
    assert rep["samples"] == 4 and rep["bit_exact"] and rep["mismatched_bytes"] == 0, rep


@pytest.mark.slow
@pytest.mark.parametrize("cell_scale", [2.0 ** -11, 2.0 ** -6, 1e-4, 3.1e-6])
def test_lstm_cell_scales(cell_scale):
    """The cell state's tanh rescale from TFLM's CheckedLog2 (used even when the scale is no
    power of two): multipliers 6 and 192, and 2^-13, 2^-18 (rounded right shifts)."""
    path = edited(lstm_model(1, 6, 4, 5), f"cs{cell_scale}", quant={"in19": (cell_scale, 0)})
    assert mismatches(path, samples=4) == 0


class _ForcedLstmPlan:
    """Op 0's input at `base`, its output at `base + shift`, the states and the scratch after
    both: a plan no planner would make."""
    strategy = "forced"

    def __init__(self, g, shift, rules):
        op, self.rules = g.ops[0], rules
        x, y = op.inputs[0], op.outputs[0]
        base = max(-shift, 0) + 64
        self._offsets = {x: base, y: base + shift}
        end = max(base + g.tensors[x].nbytes, base + shift + g.tensors[y].nbytes) + 64
        for tid in (op.inputs[18], op.inputs[19]):
            end = -(-end // 16) * 16               # the planner's alignment
            self._offsets[tid] = end
            end += g.tensors[tid].nbytes
        end = -(-end // 16) * 16
        self._scratch = (end, self.rules.scratch_bytes(g, op))
        self.arena_bytes = end + self._scratch[1] + 64
        self.schedule, self.lower_bound_bytes = [0], 0

    def offset(self, tid):
        return self._offsets[tid]

    def scratch(self, op_index):
        return self._scratch


@pytest.mark.slow
@pytest.mark.parametrize("kernels,edge", [("portable", -(5 - 1)), ("dsp", 12 - 5)])
def test_lstm_contract_edge_and_past_it(kernels, edge, monkeypatch):
    """Output over the input up to the kernel's contract is bit-exact; one input row past it
    the generator refuses the plan, and run anyway the bytes are wrong."""
    path = lstm_model(1, 6, 12, 5)
    g = load_model(path)
    rules = NATIVE_RULES if kernels == "portable" else NativeRules(DSP)
    d = rules.overlap(g, g.ops[0])
    # portable: row 0's bytes but its last written below row 0; dsp: row 0 over row 0 (read
    # into scratch first), sparing row 1
    assert d == edge
    assert mismatches(path, samples=3, plan=_ForcedLstmPlan(g, d, rules), poison=True) == 0
    with pytest.raises(AssertionError, match="beyond the kernel's contract"):
        mismatches(path, samples=1, plan=_ForcedLstmPlan(g, d + 12, rules))
    for mod in (lstm, lstm_dsp):
        monkeypatch.setattr(mod, "runs_backward", lambda ctx, op, choice: False)
    assert mismatches(path, samples=3, plan=_ForcedLstmPlan(g, d + 12, rules), poison=True) > 0


def _portable_events(rows, n_in, units):
    """unidirectional_sequence_lstm_s8.c: per row, per unit, the whole input row, then the
    unit's output byte."""
    events = []
    for r in range(rows):
        for u in range(units):
            events += [("r", r * n_in + i) for i in range(n_in)]
            events.append(("w", r * units + u))
    return events


@pytest.mark.parametrize("rows,n_in,units", [(1, 4, 5), (3, 4, 5), (6, 12, 5), (49, 257, 80),
                                              (4, 3, 7), (5, 1, 1), (1, 1, 1), (2, 6, 6)])
def test_portable_contract_is_the_replayed_kernels(rows, n_in, units):
    d = rows_read_during_overlap(rows, n_in, units, block=1)
    exact = replayed_shift(_portable_events(rows, n_in, units), rows * n_in)
    assert d == (rows * n_in if exact is None else exact)


@pytest.mark.slow
@pytest.mark.parametrize("cell_scale,reason", [(2.0 ** -50, "too fine"), (8.0, "too coarse")])
def test_lstm_cell_scale_out_of_tflm_range_is_refused(cell_scale, reason):
    """Where TFLM's int16 tanh rescale overflows int32 (undefined there), tinyc refuses."""
    path = edited(lstm_model(1, 3, 4, 5), f"cs{cell_scale}", quant={"in19": (cell_scale, 0)})
    with pytest.raises(TinycError, match=reason):
        load_model(path)
