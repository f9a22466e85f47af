"""Front end against the TFLM interpreter of the tflite-micro wheel, and against bad input."""
import copy
import json
import random
import re

import numpy as np
import pytest
from tflite_micro.python.tflite_micro import runtime

from conftest import ALL_MODELS, model, run_tinyc
from conftest import tflm_allocations as _tflm_allocations
from tinyc.errors import TinycError
from tinyc.frontend import load_model, read_model
import tflite_edit

TYPES = {np.int8: "int8", np.int16: "int16", np.int32: "int32", np.float32: "float32",
         np.uint8: "uint8", np.int64: "int64", np.bool_: "bool"}


@pytest.mark.parametrize("path", ALL_MODELS, ids=lambda p: p.stem)
def test_graph_matches_tflm(path):
    g = read_model(path)
    # Op list: the wheel's own flatbuffer object API (TFLM's Python tooling).
    obj = runtime.convert_bytearray_to_object(bytearray(path.read_bytes()))
    names = {v: k for k, v in vars(runtime.schema_fb.BuiltinOperator).items()
             if not k.startswith("_")}
    sg = obj.subgraphs[0]
    want_ops = [names[runtime.get_builtin_code_from_operator_code(obj.operatorCodes[o.opcodeIndex])]
                for o in sg.operators]
    assert [op.opcode for op in g.ops] == want_ops
    assert [op.inputs for op in g.ops] == [[int(x) for x in o.inputs] for o in sg.operators]
    # Counts that the TFLM interpreter itself allocated.
    alloc = _tflm_allocations(path)
    n_nodes = int(re.search(r"requested \d+ bytes for (\d+) NodeAndRegistration", alloc).group(1))
    n_eval = int(re.search(r"requested \d+ bytes for (\d+) allocations\)", alloc).group(1))
    assert n_nodes == len(g.ops)
    assert n_eval == len(g.tensors)
    # Every tensor's shape and type as TFLM holds it.
    it = runtime.Interpreter.from_file(str(path), arena_size=64 << 20,
                                       intrepreter_config=runtime.InterpreterConfig.kPreserveAllTensors)
    for t in g.tensors:
        d = it.GetTensor(t.id, 0)
        assert tuple(int(x) for x in d["shape"]) == t.shape, t.name
        assert TYPES[d["dtype"]] == t.dtype, t.name
        if t.is_const:
            np.testing.assert_array_equal(np.asarray(d["tensor_data"]).reshape(t.shape), t.data)
    # Quantization of the graph edges, as TFLM reports it.
    for k, tid in enumerate(g.inputs):
        _same_quant(it.get_input_details(k), g.tensors[tid])
    for k, tid in enumerate(g.outputs):
        _same_quant(it.get_output_details(k), g.tensors[tid])


def _same_quant(details, t):
    q = details["quantization_parameters"]
    assert TYPES[details["dtype"]] == t.dtype
    assert tuple(int(x) for x in details["shape"]) == t.shape
    if t.quant is None:
        assert len(q["scales"]) == 0
        return
    np.testing.assert_array_equal(q["scales"], t.quant.scale)
    np.testing.assert_array_equal(q["zero_points"], t.quant.zero_point)
    assert q["quantized_dimension"] == t.quant.axis


def test_person_detect_loads_with_odd_bias_quant_dim():
    g = read_model(model("person_detect"))
    biases = [t for t in g.tensors if t.dtype == "int32" and t.quant is not None]
    assert any(t.quant.axis == 3 for t in biases)
    load_model(model("person_detect"))


def test_inspect_json_fields():
    r = run_tinyc("inspect", model("kws_ref_model"), "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    for key in ("sha256", "ops", "tensors", "weights_bytes", "macs_total", "supported",
                "unsupported"):
        assert key in rep
    assert rep["ops"][0]["op"] == "CONV_2D"
    assert set(rep["ops"][0]) >= {"index", "op", "inputs", "outputs", "macs"}
    # 49x10x1 input, 10x4 kernel, stride 2 SAME -> 25x5x64 outputs, each 10*4*1 MACs.
    assert rep["ops"][0]["macs"] == 25 * 5 * 64 * 40
    assert rep["supported"] is True


def _unsupported_model(tmp_path):
    """kws with an op no backend of tinyc compiles (TFLM has no kernel for it either)."""
    path = tmp_path / "lrn.tflite"
    tflite_edit.with_opcode(model("kws_ref_model"), path, "LOCAL_RESPONSE_NORMALIZATION", 1)
    return path


def test_inspect_reports_unsupported(tmp_path):
    r = run_tinyc("inspect", _unsupported_model(tmp_path), "--json")
    rep = json.loads(r.stdout)
    assert rep["supported"] is False and "LOCAL_RESPONSE_NORMALIZATION" in rep["unsupported"]


def _one_error_line(r, *words):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in lines[0], lines[0]


def test_missing_empty_random(tmp_path):
    _one_error_line(run_tinyc("inspect", tmp_path / "nope.tflite"), "no such file")
    (tmp_path / "empty.tflite").write_bytes(b"")
    _one_error_line(run_tinyc("inspect", tmp_path / "empty.tflite"), "empty")
    (tmp_path / "rand.tflite").write_bytes(random.Random(1).randbytes(5000))
    _one_error_line(run_tinyc("inspect", tmp_path / "rand.tflite"), "not a TFLite model")
    rnd = bytearray(random.Random(2).randbytes(5000))
    rnd[4:8] = b"TFL3"
    (tmp_path / "rand2.tflite").write_bytes(bytes(rnd))
    _one_error_line(run_tinyc("inspect", tmp_path / "rand2.tflite"), "not a valid")


def _must_fail_cleanly_or_parse(path):
    try:
        g = load_model(path)
    except TinycError:
        return
    # A corruption that still parses must give a self-consistent graph.
    for op in g.ops:
        assert all(-1 <= i < len(g.tensors) for i in op.inputs + op.outputs)


@pytest.mark.parametrize("path", ALL_MODELS[:6], ids=lambda p: p.stem)
@pytest.mark.fast_first
def test_truncations_never_crash(path, tmp_path):
    data = path.read_bytes()
    rng = random.Random(7)
    cuts = sorted({rng.randrange(1, len(data)) for _ in range(60)} | {1, 7, 8, 16, len(data) - 1})
    f = tmp_path / "cut.tflite"
    for n in cuts:
        f.write_bytes(data[:n])
        _must_fail_cleanly_or_parse(f)


@pytest.mark.parametrize("path", ALL_MODELS[:6], ids=lambda p: p.stem)
@pytest.mark.fast_first
def test_byte_flips_never_crash(path, tmp_path):
    data = path.read_bytes()
    rng = random.Random(11)
    f = tmp_path / "flip.tflite"
    for _ in range(80):
        b = bytearray(data)
        for _ in range(rng.choice([1, 4, 32])):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        f.write_bytes(bytes(b))
        _must_fail_cleanly_or_parse(f)


def test_cli_on_corrupt_models_is_one_line(tmp_path):
    data = model("kws_ref_model").read_bytes()
    f = tmp_path / "cut.tflite"
    f.write_bytes(data[: len(data) // 2])
    _one_error_line(run_tinyc("inspect", f), "truncated or corrupt")


def test_dynamic_shape(tmp_path):
    m = tflite_edit.load(model("kws_ref_model"))
    t = m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]]
    t.shapeSignature = np.array([1, -1, 10, 1], np.int32)
    tflite_edit.save(m, tmp_path / "dyn.tflite")
    _one_error_line(run_tinyc("inspect", tmp_path / "dyn.tflite"), "dynamic shape")


def test_several_subgraphs(tmp_path):
    m = tflite_edit.load(model("hello_world_int8"))
    m.subgraphs.append(copy.deepcopy(m.subgraphs[0]))
    tflite_edit.save(m, tmp_path / "two.tflite")
    _one_error_line(run_tinyc("inspect", tmp_path / "two.tflite"), "2 subgraphs")


def test_float_model(tmp_path):
    m = tflite_edit.load(model("hello_world_int8"))
    sg = m.subgraphs[0]
    for t in sg.tensors:  # turn every tensor into float32, as an unquantized export is
        t.type = 0
        t.quantization = None
        if t.buffer and m.buffers[t.buffer].data is not None:
            n = int(np.prod(t.shape))
            m.buffers[t.buffer].data = np.zeros(n, np.float32).view(np.uint8)
    tflite_edit.save(m, tmp_path / "float.tflite")
    _one_error_line(run_tinyc("inspect", tmp_path / "float.tflite"), "float", "quantize it first")


def test_unsupported_op_named_with_tensors(tmp_path):
    with pytest.raises(TinycError) as e:
        load_model(_unsupported_model(tmp_path))
    assert "op 1 LOCAL_RESPONSE_NORMALIZATION" in e.value.message and "inputs:" in e.value.message
