"""uint8 at the model's edges: QUANTIZE uint8 <-> int8 (TFLM's Requantize) on all 256 input
values, and the public models with uint8 image inputs, bit for bit against TFLM."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from bitexact import mismatches
from conftest import model, run_tinyc
from test_kernels_elementwise import edited, opcodes, unary_base
from tinyc.backends.native.debug_plan import NoReusePlan
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.frontend import load_model
from tinyc.hostlib import build_host_model
from tinyc.reference import tflm_outputs

# (input scale, zero point) -> (output scale, zero point); the first is TFLM's fast path
# (same scale, zero points 128 apart), the others the general multiply.
U8_TO_S8 = [((0.0078, 128), (0.0078, 0)), ((0.0078, 127), (0.0078, -1)),
            ((0.00392157, 0), (0.00392157, -128)), ((0.572, 216), (0.3, -20)),
            ((0.01, 3), (0.05, 100)), ((0.2, 255), (0.01, 0))]
S8_TO_U8 = [((0.0078, 0), (0.0078, 128)), ((0.03, -5), (0.01, 77)), ((0.1, 100), (0.4, 0))]


def _all_bytes_mismatches(path) -> int:
    """Mismatched output bytes with the input sweeping all 256 byte values, and reversed."""
    g = load_model(path)
    t = g.input_tensors()[0]
    v = (np.arange(t.elements) % 256).astype(np.uint8)
    xs = [[x.view(np.dtype(t.dtype)).reshape(t.shape)] for x in (v, v[::-1].copy())]
    with tempfile.TemporaryDirectory(prefix="tinyc-kt-") as work:   # the loaded library stays
        m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES), Path(work),
                             sanitize=True)
    return sum(int(np.count_nonzero(a != b)) for x, r in zip(xs, tflm_outputs(g, xs))
               for a, b in zip(m.run(x), r))


@pytest.mark.parametrize("q_in,q_out", U8_TO_S8)
def test_quantize_uint8_to_int8_all_256_inputs(q_in, q_out):
    path = edited(unary_base("RELU"), "u8s8", opcode="QUANTIZE", quant={"in0": q_in, "out": q_out},
                  dtypes={"in0": "UINT8"})
    assert opcodes(path) == ["QUANTIZE"]
    assert load_model(path).input_tensors()[0].dtype == "uint8"
    assert _all_bytes_mismatches(path) == 0


@pytest.mark.parametrize("q_in,q_out", S8_TO_U8)
def test_quantize_int8_to_uint8_all_256_inputs(q_in, q_out):
    path = edited(unary_base("RELU"), "s8u8", opcode="QUANTIZE", quant={"in0": q_in, "out": q_out},
                  dtypes={"out": "UINT8"})
    assert opcodes(path) == ["QUANTIZE"]
    assert _all_bytes_mismatches(path) == 0


def test_run_takes_a_uint8_batch(tmp_path):
    path = edited(unary_base("RELU"), "u8s8", opcode="QUANTIZE",
                  quant={"in0": U8_TO_S8[3][0], "out": U8_TO_S8[3][1]}, dtypes={"in0": "UINT8"})
    g = load_model(path)
    x = np.random.default_rng(3).integers(0, 256, (4, 1, 256), dtype=np.uint8)
    np.save(tmp_path / "x.npy", x)
    r = run_tinyc("run", path, "--board", "host", "--input", tmp_path / "x.npy",
                  "--output", tmp_path / "y.npy", timeout=300)
    assert r.returncode == 0, r.stderr
    y = np.load(tmp_path / "y.npy")
    ref = np.stack([o[0] for o in tflm_outputs(g, [[s] for s in x])])
    assert y.dtype == np.int8 and np.array_equal(y, ref)


def test_verify_uint8_input_on_host():
    path = edited(unary_base("RELU"), "u8s8", opcode="QUANTIZE",
                  quant={"in0": U8_TO_S8[3][0], "out": U8_TO_S8[3][1]}, dtypes={"in0": "UINT8"})
    r = run_tinyc("verify", path, "--board", "host", "-n", "3", "--json", timeout=300)
    assert r.returncode == 0, r.stderr


UINT8_MODELS = ["tiny_aww_model_uint8in", "st_resnet_v1_8_32", "st_mobilenet_v1_025_96",
                "openmv_yolo_lc_192", "openmv_movenet_singlepose_192"]


@pytest.mark.slow
@pytest.mark.parametrize("name", UINT8_MODELS)
def test_uint8_input_models_bit_exact_on_host(name):
    path = model(name)
    assert load_model(path).input_tensors()[0].dtype == "uint8"
    assert mismatches(path, samples=3) == 0


def _affine_quantize(x: np.ndarray, scale: float, zp: int, lo: int, hi: int) -> np.ndarray:
    """TFLite's rounding: float32 division, round half away from zero, saturate."""
    q = (x.astype(np.float32) / np.float32(scale)).astype(np.float64)
    return np.clip(np.sign(q) * np.floor(np.abs(q) + 0.5) + zp, lo, hi)


@pytest.mark.parametrize("tag,q_in,q_out,dtypes", [
    ("u8s8", U8_TO_S8[3][0], U8_TO_S8[3][1], {"in0": "UINT8"}),
    ("s8u8", S8_TO_U8[1][0], S8_TO_U8[1][1], {"out": "UINT8"})])
def test_export_float_helpers_and_buffers_with_uint8(tmp_path, tag, q_in, q_out, dtypes):
    from test_export import compile_app, export, f32_app_source, numpy_dequantize, run_app
    path = edited(unary_base("RELU"), tag, opcode="QUANTIZE", quant={"in0": q_in, "out": q_out},
                  dtypes=dtypes)
    g = load_model(path)
    t_in, t_out = g.input_tensors()[0], g.tensors[g.outputs[0]]
    out = tmp_path / "lib"
    export(out, models=[f"{path}:net"])
    (tmp_path / "main.c").write_text(f32_app_source("net", g))
    exe = compile_app(out, tmp_path / "app", sources=(tmp_path / "main.c",))
    rng = np.random.default_rng(4)
    s_in, z_in = float(t_in.quant.scale[0]), int(t_in.quant.zero_point[0])
    x = (rng.standard_normal(t_in.elements) * 100 * s_in).astype(np.float32)
    x[:8] = np.float32([1e9, -1e9, 0, 0.5 * s_in, -0.5 * s_in, 1.5 * s_in, 300 * s_in,
                        -300 * s_in]) + np.float32(0)
    got = np.frombuffer(run_app(exe, "", x.tobytes()), np.float32)
    info = np.iinfo(np.dtype(t_in.dtype))
    feed = _affine_quantize(x, s_in, z_in, info.min, info.max).astype(t_in.dtype)
    ref = tflm_outputs(g, [[feed.reshape(t_in.shape)]])[0][0]
    want = numpy_dequantize(ref.reshape(-1), float(t_out.quant.scale[0]),
                            int(t_out.quant.zero_point[0]))
    assert ref.dtype == np.dtype(t_out.dtype)
    assert got.tobytes() == want.tobytes()


@pytest.mark.qemu
@pytest.mark.slow
def test_uint8_model_bit_exact_on_mps2_an386():
    r = run_tinyc("verify", model("tiny_aww_model_uint8in"), "--board", "mps2-an386", "-n", "2",
                  "--json", timeout=900)
    assert r.returncode == 0, r.stderr


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
