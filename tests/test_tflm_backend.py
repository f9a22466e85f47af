"""TFLM backend: the offline plan is used by TFLM, and the computed arena is exact (wheel)."""
import numpy as np
import pytest
from tflite_micro.python.tflite_micro import runtime

from conftest import model
from tinyc.backends.tflm import offline_offsets, plan_for_tflm, tflm_arena, with_offline_plan
from tinyc.backends.tflm.arena import greedy_head
from tinyc.boards import get_board
from tinyc.frontend import read_model

# Every shared model TFLM runs except the LSTM one (UNIDIRECTIONAL_SEQUENCE_LSTM not modelled).
EXACT = ["kws_ref_model", "pretrainedResnet_quant", "vww_96_int8", "micro_speech_quantized",
         "person_detect", "mobilenet_v2_quantized_1x3x224x224", "ad01_int8", "hello_world_int8",
         "str_ww_ref_model", "keyword_scrambled_8bit"]


def _run(data, arena, x):
    it = runtime.Interpreter.from_bytes(data, arena_size=arena)
    it.set_input(x, 0)
    it.invoke()
    return it.get_output(0)


def _check(name):
    path = model(name)
    g = read_model(path)
    offs = offline_offsets(g, plan_for_tflm(g, get_board("host")))
    data = with_offline_plan(path.read_bytes(), offs)
    n = tflm_arena(g, offs, 8, recording=True).arena_bytes
    t = g.tensors[g.inputs[0]]
    info = np.iinfo(t.dtype)
    x = np.random.default_rng(0).integers(info.min, info.max + 1, t.shape).astype(t.dtype)
    y = _run(data, n, x)
    np.testing.assert_array_equal(y, _run(path.read_bytes(), 64 << 20, x))
    with pytest.raises(RuntimeError):
        _run(data, n - 16, x)


@pytest.mark.parametrize("name", EXACT)
def test_arena_exact_with_offline_plan(name):
    _check(name)


def test_metadata_words_round_trip(tmp_path):
    path = model("kws_ref_model")
    g = read_model(path)
    offs = offline_offsets(g, plan_for_tflm(g, get_board("host")))
    f = tmp_path / "m.tflite"
    f.write_bytes(with_offline_plan(path.read_bytes(), offs))
    words = np.frombuffer(read_model(f).metadata["OfflineMemoryAllocation"], "<i4")
    assert list(words[:3]) == [1, 1, len(g.tensors)] and list(words[3:]) == offs
    assert all(o == -1 for o, t in zip(offs, g.tensors) if t.is_const)


def test_greedy_head_places_online_buffers_around_fixed_ones():
    # a fixed buffer at 32..48 alive at time 1, an online one of 32 bytes fits below it
    assert greedy_head([(16, 1, 1, 32), (32, 1, 1, -1)]) == 48
    assert greedy_head([(16, 1, 1, 16), (32, 1, 1, -1)]) == 64


def test_generate_writes_aligned_model_exact_resolver_and_arena(tmp_path):
    from tinyc.backends.tflm import generate
    path = model("kws_ref_model")
    g = read_model(path)
    board = get_board("mps2-an386")
    plan = plan_for_tflm(g, board)
    res = generate(g, board, plan, tmp_path, command="tinyc test")
    offs = offline_offsets(g, plan)
    assert (tmp_path / "model.tflite").read_bytes() == with_offline_plan(path.read_bytes(), offs)
    assert res["tflm_arena_bytes"] == tflm_arena(g, offs, 4).arena_bytes
    assert res["tflm_arena_bytes"] != tflm_arena(g, offs, 8).arena_bytes
    cc = (tmp_path / "tinyc_tflm.cc").read_text()
    ops = sorted({op.opcode for op in g.ops})
    assert "MicroMutableOpResolver<kNumOpKinds>" in cc and f"kNumOpKinds = {len(ops)};" in cc
    assert cc.count("if (resolver->Add") == len(ops)
    assert "EndEvent" in cc and "TINYC_OP_DONE" in cc
    h = (tmp_path / "tinyc_tflm_model.h").read_text()
    assert f"#define TINYC_TFLM_ARENA_BYTES {res['tflm_arena_bytes']}u" in h
    assert "alignas(16) const unsigned char" in (tmp_path / "model_data.cc").read_text()
    assert "FATAL_ERROR" in (tmp_path / "tflm.cmake").read_text()


def test_build_without_tflm_tree_writes_project_then_says_so(tmp_path):
    from conftest import run_tinyc
    out = tmp_path / "p"
    env = {k: v for k, v in __import__("os").environ.items() if k != "TINYC_TFLM_DIR"}
    p = run_tinyc("build", model("hello_world_int8"), "--board", "mps2-an386", "--backend",
                  "tflm", "-o", out, env=env)
    assert p.returncode == 1
    err = [ln for ln in p.stderr.splitlines() if ln.startswith("error:")]
    assert len(err) == 1 and "set TINYC_TFLM_DIR to a tflite-micro checkout" in err[0]
    assert "Traceback" not in p.stderr
    meta = __import__("json").loads((out / "tinyc.json").read_text())
    assert meta["tflm_arena_bytes"] > 0 and (out / "src" / "model.tflite").exists()
    assert "src/tflm.cmake" in (out / "CMakeLists.txt").read_text()
