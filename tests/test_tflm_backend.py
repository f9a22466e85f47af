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
    res = generate(g, board, plan, tmp_path)
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


# --- With a TFLM tree (TINYC_TFLM_DIR, plus TINYC_TFLM_INCLUDES for flatbuffers/gemmlowp/ruy
# unless the tree has them): the generated application compiled against TFLM and run. -------

_TFLM = __import__("os").environ.get("TINYC_TFLM_DIR")
needs_tflm = pytest.mark.skipif(
    not _TFLM, reason="TINYC_TFLM_DIR is not set: no tflite-micro tree to compile the TFLM "
                      "application against (this test did not run)")


def _tflm_includes() -> list[str]:
    """The include dirs tflm.cmake.j2 would use, for a compiler called directly."""
    from tinyc.backends.tflm.project import include_dirs
    return [f"-I{d}" for d in include_dirs(_TFLM)]


@needs_tflm
@pytest.mark.parametrize("board_id,cxx", [("mps2-an386", "arm-none-eabi-g++"), ("host", "g++")])
def test_generated_cc_compiles_against_tflm_headers(tmp_path, board_id, cxx):
    import subprocess
    from tinyc.backends.tflm import generate
    from tinyc.paths import FIRMWARE_DIR
    board = get_board(board_id)
    flags = ["-mcpu=cortex-m4", "-mthumb"] if cxx.startswith("arm") else []
    for name in ["kws_ref_model", "ad01_int8", "vww_96_int8"]:
        g = read_model(model(name))
        generate(g, board, plan_for_tflm(g, board), tmp_path / name)
        for src in ["tinyc_tflm.cc", "model_data.cc"]:
            p = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                                "-fno-rtti", "-fno-exceptions", "-DTF_LITE_STATIC_MEMORY", *flags,
                                f"-I{FIRMWARE_DIR / 'runtime'}",
                                *(f.replace("-I", "-isystem", 1) for f in _tflm_includes()),
                                str(tmp_path / name / src)],
                               capture_output=True, text=True, timeout=300)
            assert p.returncode == 0, f"{name}/{src}:\n{p.stderr[-3000:]}"


@needs_tflm
def test_tflm_application_bit_exact_in_qemu_and_arena_exact(tmp_path):
    """kws: the generated TFLM application on the emulated Cortex-M4 matches the TFLM
    interpreter byte for byte; TFLM allocates within tinyc's arena and fails 16 bytes below."""
    import re
    from tinyc.build.cmake import compile_project
    from tinyc.device import open_device
    from tinyc.pipeline import compile_model
    from tinyc.verify import verify_build
    board = get_board("mps2-an386")
    build = compile_model(str(model("kws_ref_model")), board, "tflm", out_dir=tmp_path / "p",
                          quiet=True)
    rep = verify_build(build, 3, seed=0, quiet=True)
    assert rep["bit_exact"] and rep["selfcheck"] == "ok", rep
    n = rep["tflm_arena_bytes"]
    assert n == build.extra["tflm_arena_bytes"]
    assert rep["tflm_arena_used_bytes"] is not None and 0 < rep["tflm_arena_used_bytes"] <= n
    # 16 bytes less: tinyc_init fails (AllocateTensors), reported by INFO.
    h = tmp_path / "p" / "src" / "tinyc_tflm_model.h"
    h.write_text(re.sub(r"#define TINYC_TFLM_ARENA_BYTES \d+u",
                        f"#define TINYC_TFLM_ARENA_BYTES {n - 16}u", h.read_text()))
    res = compile_project(tmp_path / "p", board, timeout=900)
    with open_device(board, elf=res.elf) as dev:
        assert not dev.info(refresh=True).init_ok


def test_platformio_project_for_arduino_board_pulls_tflm_library(tmp_path):
    from tinyc.backends.tflm.libs import CHIRALE
    from tinyc.pipeline import compile_model
    compile_model(str(model("kws_ref_model")), get_board("nano33"), "tflm",
                  out_dir=tmp_path / "p", compile=False, quiet=True)
    ini = (tmp_path / "p" / "platformio.ini").read_text()
    assert f"lib_deps = {CHIRALE}" in ini
    assert CHIRALE.startswith("spaziochirale/Chirale_TensorFlowLite@")
    compile_model(str(model("kws_ref_model")), get_board("nano33"), "native",
                  out_dir=tmp_path / "n", compile=False, quiet=True)
    assert "lib_deps" not in (tmp_path / "n" / "platformio.ini").read_text()


def test_info_runtime_arena_used_bytes_is_optional_and_backward_compatible():
    import struct
    from tinyc.device.protocol import VERSION, parse_info
    base = (bytes([VERSION, 0, 1, 1]) + struct.pack("<HI", 13, 22772) + bytes(32)
            + struct.pack("<IIH", 5, 8, 64)
            + b"".join(bytes([len(s)]) + s for s in (b"tflm", b"mps2-an386", b"instructions")))
    old, _, _ = parse_info(base)
    assert old.runtime_arena_used_bytes is None and old.arena_bytes == 22772
    new, _, _ = parse_info(base + struct.pack("<I", 22000))
    assert new.runtime_arena_used_bytes == 22000 and new.backend == "tflm"


def test_tflm_tree_without_third_party_headers_is_one_error_line(tmp_path, monkeypatch):
    from tinyc.backends.tflm.project import check_tree
    from tinyc.errors import TinycError
    (tmp_path / "tensorflow/lite/micro").mkdir(parents=True)
    monkeypatch.delenv("TINYC_TFLM_INCLUDES", raising=False)
    with pytest.raises(TinycError, match="not a tflite-micro checkout"):
        check_tree(tmp_path / "nothing")
    (tmp_path / "tensorflow/lite/micro/micro_interpreter.h").write_text("")
    with pytest.raises(TinycError, match="third_party_downloads"):
        check_tree(tmp_path)
    dl = tmp_path / "tensorflow/lite/micro/tools/make/downloads"
    for hdr in ["flatbuffers/include/flatbuffers/flatbuffers.h",
                "gemmlowp/fixedpoint/fixedpoint.h", "ruy/ruy/profiler/instrumentation.h"]:
        (dl / hdr).parent.mkdir(parents=True)
        (dl / hdr).write_text("")
    check_tree(tmp_path)   # the layout TFLM's own Makefile downloads into
