"""ONNX in: small graphs made with the onnx helpers (NCHW), quantized through onnx2tf; the int8
model (TFLM) against onnxruntime's float output, and bit-exact against TFLM on the board."""
import importlib.util

import numpy as np
import pytest

from bitexact import mismatches
from conftest import run_tinyc

onnx = pytest.importorskip("onnx", reason="the ONNX tests need pip install 'tinyc[onnx]'")
ort = pytest.importorskip("onnxruntime")
if importlib.util.find_spec("onnx2tf") is None:    # importing it imports TensorFlow (seconds)
    pytest.skip("the ONNX tests need onnx2tf: pip install 'tinyc[onnx]'", allow_module_level=True)
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

C, H, W = 3, 8, 8
RNG = np.random.default_rng(0)


def _w(name, *shape):
    return numpy_helper.from_array((RNG.standard_normal(shape) * 0.5).astype(np.float32), name)


def conv(x):
    return [helper.make_node("Conv", [x, "w", "b"], ["c"], pads=[1, 1, 1, 1]),
            helper.make_node("Relu", ["c"], ["y"])], [_w("w", 4, C, 3, 3), _w("b", 4)], [1, 4, H, W]


def depthwise(x):
    return [helper.make_node("Conv", [x, "w", "b"], ["c"], pads=[1, 1, 1, 1], group=C),
            helper.make_node("Relu", ["c"], ["y"])], [_w("w", C, 1, 3, 3), _w("b", C)], [1, C, H, W]


def gemm(x):
    return [helper.make_node("Flatten", [x], ["f"]),
            helper.make_node("Gemm", ["f", "w", "b"], ["y"], transB=1)], \
        [_w("w", 10, C * H * W), _w("b", 10)], [1, 10]


def pooling(x):
    return [helper.make_node("MaxPool", [x], ["m"], kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("AveragePool", ["m"], ["y"], kernel_shape=[2, 2], strides=[2, 2])], \
        [], [1, C, H // 4, W // 4]


def residual_add(x):
    return [helper.make_node("Conv", [x, "w", "b"], ["c"], pads=[1, 1, 1, 1]),
            helper.make_node("Relu", ["c"], ["r"]),
            helper.make_node("Add", ["r", x], ["y"])], [_w("w", C, C, 3, 3), _w("b", C)], [1, C, H, W]


GRAPHS = [conv, depthwise, gemm, pooling, residual_add]


def _onnx_model(make, path):
    nodes, inits, out_shape = make("x")
    g = helper.make_graph(nodes, make.__name__,
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, C, H, W])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def _quantize(make, tmp_path):
    src, out = tmp_path / f"{make.__name__}.onnx", tmp_path / "q.tflite"
    _onnx_model(make, src)
    cal = np.random.default_rng(1).uniform(-1, 1, (64, C, H, W)).astype(np.float32)   # NCHW
    np.save(tmp_path / "cal.npy", cal)
    r = run_tinyc("quantize", src, "--calibration", tmp_path / "cal.npy", "-o", out)
    assert r.returncode == 0, r.stderr
    return src, out, cal


def _int8_vs_onnxruntime(src, out, xs):
    """max |TFLM int8 output, dequantized - onnxruntime float output| and the output scale."""
    from tflite_micro.python.tflite_micro import runtime
    it = runtime.Interpreter.from_file(str(out))
    qi = it.get_input_details(0)["quantization_parameters"]
    qo = it.get_output_details(0)["quantization_parameters"]
    si, zi, so, zo = (float(qi["scales"][0]), int(qi["zero_points"][0]),
                      float(qo["scales"][0]), int(qo["zero_points"][0]))
    sess = ort.InferenceSession(str(src), providers=["CPUExecutionProvider"])
    worst = 0.0
    for x in xs:
        ref = sess.run(None, {"x": x[None]})[0][0]
        nhwc = np.moveaxis(x, 0, -1)
        q = np.clip(np.sign(nhwc / si) * np.floor(np.abs(nhwc / si) + 0.5) + zi, -128, 127)
        it.set_input(q.astype(np.int8)[None], 0)
        it.invoke()
        got = so * (it.get_output(0)[0].astype(np.float64) - zo)
        if got.shape != ref.shape:                      # onnx2tf may leave the output NHWC
            ref = np.moveaxis(ref, 0, -1)
        worst = max(worst, float(np.max(np.abs(got - ref))))
    return worst, so, si


@pytest.mark.slow
@pytest.mark.parametrize("make", GRAPHS, ids=[g.__name__ for g in GRAPHS])
def test_onnx_graph_quantizes_within_quantization_error(make, tmp_path):
    src, out, cal = _quantize(make, tmp_path)
    worst, out_scale, in_scale = _int8_vs_onnxruntime(src, out, cal[:16])
    # input rounding (in_scale / 2 per element, summed by the layer) and output rounding
    # (out_scale / 2), plus the int8 weights: a few output steps at most
    assert worst <= 4 * out_scale, (worst, out_scale, in_scale)
    assert mismatches(out, samples=8) == 0


@pytest.mark.slow
@pytest.mark.qemu
def test_onnx_residual_bit_exact_on_the_board(tmp_path):
    _, out, _ = _quantize(residual_add, tmp_path)
    r = run_tinyc("verify", out, "--board", "mps2-an386", "-n", "3")
    assert r.returncode == 0 and "bit-exact: 3 inputs on mps2-an386" in r.stdout, r.stderr
