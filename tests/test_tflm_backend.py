"""TFLM backend: the offline plan is used by TFLM, and the computed arena is exact (wheel)."""
import numpy as np
import pytest
from tflite_micro.python.tflite_micro import runtime

from conftest import model
from tinyc.backends.tflm import offline_offsets, plan_for_tflm, tflm_arena, with_offline_plan
from tinyc.backends.tflm.arena import greedy_head
from tinyc.boards import get_board
from tinyc.frontend import read_model

EXACT = ["kws_ref_model", "pretrainedResnet_quant", "vww_96_int8", "micro_speech_quantized",
         "person_detect", "mobilenet_v2_quantized_1x3x224x224"]
# Off by 8-72 bytes: the planning-time peak (tiny heads) and some tail sizes of the newer
# TFLM in the wheel are not modelled exactly yet.
NOT_YET = ["ad01_int8", "hello_world_int8", "str_ww_ref_model", "keyword_scrambled_8bit"]


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
    x = np.random.default_rng(0).integers(-128, 128, t.shape).astype(np.int8)
    y = _run(data, n, x)
    np.testing.assert_array_equal(y, _run(path.read_bytes(), 64 << 20, x))
    with pytest.raises(RuntimeError):
        _run(data, n - 16, x)


@pytest.mark.parametrize("name", EXACT)
def test_arena_exact_with_offline_plan(name):
    _check(name)


@pytest.mark.parametrize("name", NOT_YET)
@pytest.mark.xfail(strict=True, reason="arena replay not exact for this model yet")
def test_arena_not_yet_exact(name):
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
