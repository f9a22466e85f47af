"""Hostile models, one per defect class: tinyc refuses each before generating code (exit 2,
one `error:` line), and each is checked against what the TFLM interpreter of the wheel does
with it (run in a child process: some of these crash it).

TFLM's Prepare checks operand presence and quantization, but trusts the declared shapes: a
model whose FULLY_CONNECTED output is longer than batches x units loads there and its kernel
reads past the weights. Those rows say `tflm="accepts"`; tinyc refuses them all the same.
"""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import tflite_edit
from conftest import model, run_tinyc
from tinyc.errors import TinycError
from tinyc.frontend import read_model
from tinyc.frontend.tflite import parse_model
from tinyc.reference import random_inputs, tflm_outputs

KWS = "kws_ref_model"          # CONV, DW, AVG_POOL, RESHAPE, FC, SOFTMAX
RESNET = "pretrainedResnet_quant"  # CONV, ADD, ...

# One interpreter process for many models: it imports the wheel once, then probes each model in
# a forked child, so a model that crashes TFLM is told apart (a signal) without ending the rest.
_TFLM_PROBE = """
import os, sys, numpy as np
from tflite_micro.python.tflite_micro import runtime

def accepts(path):
    try:
        it = runtime.Interpreter.from_bytes(open(path, 'rb').read(), arena_size=16 << 20)
        d = it.get_input_details(0)
        it.set_input(np.zeros(d['shape'], d['dtype']), 0)
        it.invoke()
    except Exception:
        return False
    return True

for path in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        os._exit(0 if accepts(path) else 3)
    status = os.waitpid(pid, 0)[1]
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    said = {0: 'accepts', 3: 'refuses'}.get(code, f'exit-{code}')
    print('crashes' if os.WIFSIGNALED(status) else said, flush=True)
"""


def tflm_verdicts(paths) -> dict:
    """path -> 'accepts', 'refuses' (an exception from the interpreter) or 'crashes' (a signal)."""
    r = subprocess.run([sys.executable, "-c", _TFLM_PROBE, *map(str, paths)], capture_output=True,
                       text=True, timeout=120 + 10 * len(paths))
    assert r.returncode == 0, r.stderr
    verdicts = r.stdout.split()
    assert len(verdicts) == len(paths), (r.stdout, r.stderr)
    return dict(zip(paths, verdicts))


def tflm_verdict(path) -> str:
    return tflm_verdicts([path])[path]


def _sg(m):
    return m.subgraphs[0]


def _shape(m, tid, shape):
    _sg(m).tensors[tid].shape = np.array(shape, np.int32)


def _quant(m, tid):
    return _sg(m).tensors[tid].quantization


def _set_scale(tid, value):
    def mut(m):
        q = _quant(m, tid)
        q.scale = np.array(q.scale, np.float32)
        q.scale[0] = value
    return mut


def _op_output(op, value):
    def mut(m):
        _sg(m).operators[op].outputs[0] = value
    return mut


def _op_input(op, k, value):
    def mut(m):
        _sg(m).operators[op].inputs[k] = value
    return mut


def _quant_len(tid, n):
    def mut(m):
        q = _quant(m, tid)
        q.scale, q.zeroPoint = q.scale[:n], q.zeroPoint[:n]
    return mut


def _swap_ops(a, b):
    def mut(m):
        ops = _sg(m).operators
        ops[a], ops[b] = ops[b], ops[a]
    return mut


def _graph_output(value):
    def mut(m):
        _sg(m).outputs[0] = value
    return mut


def _drop_input(op):
    def mut(m):
        _sg(m).operators[op].inputs = _sg(m).operators[op].inputs[:1]
    return mut


def _zero_point(tid, value):
    def mut(m):
        _quant(m, tid).zeroPoint = np.array([value], np.int64)
    return mut


def _quant_axis(tid, axis):
    def mut(m):
        _quant(m, tid).quantizedDimension = axis
    return mut


def _short_buffer(tid):
    def mut(m):
        b = m.buffers[_sg(m).tensors[tid].buffer]
        b.data = b.data[:-4]
    return mut


# (id, model, mutation, words in tinyc's error, what TFLM does with it)
CASES = [
    ("op_output_minus_1", KWS, _op_output(0, -1), ["op 0 CONV_2D", "output 0 is -1"], "refuses"),
    ("required_input_minus_1", KWS, _op_input(11, 1, -1),
     ["op 11 FULLY_CONNECTED", "input 1 is -1"], "refuses"),
    ("fc_too_few_inputs", KWS, _drop_input(11), ["op 11 FULLY_CONNECTED", "1 inputs"], "refuses"),
    ("fc_output_longer_than_units", KWS, lambda m: _shape(m, 33, [1, 13]),
     ["op 11 FULLY_CONNECTED", "batches x units = 1 x 12"], "accepts"),
    ("fc_output_shorter", KWS, lambda m: _shape(m, 33, [1, 6]),
     ["op 11 FULLY_CONNECTED", "batches x units"], "accepts"),
    ("softmax_output_not_input_shape", KWS, lambda m: _shape(m, 34, [1, 20]),
     ["op 12 SOFTMAX", "same shape"], "accepts"),
    ("conv_output_shape", KWS, lambda m: _shape(m, 22, [1, 24, 5, 64]),
     ["op 0 CONV_2D", "SAME padding gives [1, 25, 5, 64]"], "accepts"),
    ("conv_output_channels", KWS, lambda m: _shape(m, 22, [1, 25, 5, 32]),
     ["op 0 CONV_2D", "32 channels"], "accepts"),
    ("depthwise_output_channels", KWS, lambda m: _shape(m, 23, [1, 25, 5, 32]),
     ["op 1 DEPTHWISE_CONV_2D", "does not fit"], "crashes"),
    ("pool_output_shape", KWS, lambda m: _shape(m, 31, [1, 2, 1, 64]),
     ["op 9 AVERAGE_POOL_2D", "VALID padding gives [1, 1, 1, 64]"], "refuses"),
    ("add_does_not_broadcast", RESNET, lambda m: _shape(m, 25, [1, 32, 16, 16]),
     ["op 3 ADD", "do not broadcast"], "crashes"),
    ("bias_length", KWS, _op_input(0, 2, 1), ["op 0 CONV_2D", "12 values for 64"], "accepts"),
    ("reshape_size", KWS, lambda m: _shape(m, 32, [1, 65]), ["op 10 RESHAPE", "65"], "refuses"),
    ("constant_buffer_short", KWS, _short_buffer(17), ["holds 2556 bytes, expected 2560"],
     "accepts"),
    ("quant_length_not_channels", KWS, _quant_len(17, 3),
     ["tensor 17", "3 quantization scales"], "refuses"),
    ("quant_axis_out_of_range", KWS, _quant_axis(17, 7), ["tensor 17", "quantized dimension 7"],
     "refuses"),
    ("nan_scale", KWS, _set_scale(22, np.nan), ["tensor 22", "nan", "finite and positive"],
     "refuses"),
    ("inf_filter_scale", KWS, _set_scale(17, np.inf), ["tensor 17", "inf"], "accepts"),
    ("zero_scale", KWS, _set_scale(22, 0.0), ["tensor 22", "0.0"], "refuses"),
    ("negative_scale", KWS, _set_scale(22, -0.5), ["tensor 22", "-0.5"], "accepts"),
    ("zero_point_out_of_int8", KWS, _zero_point(22, 300), ["tensor 22", "zero point 300"],
     "accepts"),
    ("constant_as_op_output", KWS, _op_output(0, 17), ["op 0 CONV_2D", "constant tensor"],
     "accepts"),
    ("graph_input_as_op_output", KWS, _op_output(1, 0), ["op 1 DEPTHWISE_CONV_2D", "graph input"],
     "accepts"),
    ("tensor_written_twice", KWS, _op_output(1, 22), ["op 1", "already written by op 0"],
     "accepts"),
    ("read_before_written", KWS, _swap_ops(0, 1), ["op 0 DEPTHWISE_CONV_2D", "before any op"],
     "accepts"),
    ("graph_output_constant", KWS, _graph_output(17), ["graph output 0", "constant tensor"],
     "accepts"),
    # Found by fuzzing the scales (a model TFLM refuses, tinyc refuses):
    ("pool_requantizes", KWS, _set_scale(31, 0.5), ["op 9 AVERAGE_POOL_2D", "does not requantize"],
     "refuses"),
    ("fc_bias_scale", KWS, _set_scale(1, 1.0), ["op 11 FULLY_CONNECTED", "bias scale"], "refuses"),
    ("multiplier_beyond_int32", KWS, _set_scale(22, 1e-30),
     ["op 0 CONV_2D", "output scale is", "2^30 or more"], "accepts"),
]


@pytest.fixture(scope="module")
def mutants(tmp_path_factory):
    d = tmp_path_factory.mktemp("mutants")
    paths = {}
    for name, src, mutate, _, _ in CASES:
        m = tflite_edit.load(model(src))
        mutate(m)
        paths[name] = d / f"{name}.tflite"
        tflite_edit.save(m, paths[name])
    return paths


@pytest.fixture(scope="module")
def tflm_says(mutants):
    return tflm_verdicts(list(mutants.values()))


@pytest.fixture(scope="module")
def builds(request, mutants, tmp_path_factory):
    """name -> (`tinyc build` of that mutant, its -o folder), for the selected cases: two
    at a time, as each is a process of its own that mostly waits on its start-up."""
    names = [i.callspec.params["name"] for i in request.session.items
             if i.originalname == "test_hostile_model_refused"]
    root = tmp_path_factory.mktemp("builds")

    def build(name):
        out = root / name / "out"
        out.parent.mkdir()
        return name, (run_tinyc("build", mutants[name], "--board", "host", "--no-compile",
                                "-o", out, timeout=120), out)
    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(build, names))


@pytest.mark.parametrize("name,src,mutate,words,tflm", CASES, ids=[c[0] for c in CASES])
def test_hostile_model_refused(mutants, tflm_says, builds, name, src, mutate, words, tflm):
    path = mutants[name]
    assert tflm_says[path] == tflm
    r, out = builds[name]
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    for w in words:
        assert w in lines[0], lines[0]
    assert not out.exists()      # nothing half-written


def test_optional_bias_may_be_omitted(tmp_path):
    """-1 where TFLM allows it (a conv without bias) is a valid model: loaded, not refused."""
    m = tflite_edit.load(model(KWS))
    _sg(m).operators[0].inputs[2] = -1
    tflite_edit.save(m, tmp_path / "nobias.tflite")
    assert tflm_verdict(tmp_path / "nobias.tflite") == "accepts"
    g = read_model(tmp_path / "nobias.tflite")
    assert g.ops[0].inputs[2] == -1


def test_reference_crash_is_one_error(mutants):
    """TFLM dies by SIGFPE on this model; the reference runs in a child, so tinyc lives on
    and says so in one error naming the model."""
    path = mutants["depthwise_output_channels"]
    g = parse_model(path)           # past the validator on purpose
    with pytest.raises(TinycError) as e:
        tflm_outputs(g, random_inputs(g, 2, 0))
    msg = e.value.message
    assert "crashed" in msg and str(path) in msg and "SIGFPE" in msg and "\n" not in msg


def test_reference_refusal_says_why(mutants):
    path = mutants["op_output_minus_1"]
    g = parse_model(path)
    with pytest.raises(TinycError) as e:
        tflm_outputs(g, random_inputs(g, 1, 0))
    assert "refuses" in e.value.message and "CONV_2D" in e.value.message


def test_reference_matches_in_process_interpreter():
    """The child gives the bytes the interpreter gives in this process."""
    from tinyc.reference import _outputs
    path = model(KWS)
    g = read_model(path)
    xs = random_inputs(g, 3, 5)
    want = _outputs(path.read_bytes(), xs, len(g.outputs))
    got = tflm_outputs(g, xs)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a[0], b[0])


def test_verify_refuses_hostile_model_not_internal_error(mutants):
    r = run_tinyc("verify", mutants["nan_scale"], "--board", "host", "-n", "2", timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith("error: ") and "nan" in r.stderr


def test_control_characters_in_names_stay_on_one_line(tmp_path):
    """Found by the fuzzer: a corrupt name with a newline in it made a two-line error."""
    m = tflite_edit.load(model(KWS))
    _sg(m).tensors[22].name = b"conv\nout\x1b[2J"
    _set_scale(22, np.nan)(m)
    tflite_edit.save(m, tmp_path / "names.tflite")
    r = run_tinyc("inspect", tmp_path / "names.tflite", timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "conv\\x0aout\\x1b[2J" in r.stderr


def test_tflm_backend_takes_undecodable_metadata_names(tmp_path):
    """Found by the fuzzer: a metadata name that is not UTF-8 made the tflm backend raise
    UnicodeDecodeError (exit 3) while it rewrote the model's metadata."""
    m = tflite_edit.load(model(KWS))
    m.metadata[0].name = b"\xd4\xffmeta"
    tflite_edit.save(m, tmp_path / "meta.tflite")
    r = run_tinyc("build", tmp_path / "meta.tflite", "--board", "host", "--backend", "tflm",
                  "--no-compile", "-o", tmp_path / "out", timeout=120)
    assert r.returncode == 0, r.stderr
