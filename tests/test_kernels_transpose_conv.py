"""TRANSPOSE_CONV int8: tinyc's native kernel against the TFLM interpreter, byte for byte, over
strides, SAME/VALID padding, kernel sizes that do and do not divide the stride, batches,
per-channel and per-tensor filters, with and without bias; and the scratch twin in C against
the number the planner reserves."""
from __future__ import annotations

import ctypes
import tempfile
from pathlib import Path

import pytest

from modelgen import _tf, int8_model
from test_kernels_conv import Dims, ChannelQuant, _fill, _i32
from test_kernels_elementwise import edited, opcodes, sweep_mismatches
from tinyc.backends.native.codegen import KERNELS_DIR
from tinyc.backends.native.debug_plan import NoReusePlan
from tinyc.backends.native.lower import LOWERINGS, LowerCtx, lower_op
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.errors import TinycError
from tinyc.frontend import load_model
from tinyc.hostlib import compile_shared

# name: (filters, kernel, strides, padding, use_bias, input shape, per_channel)
CASES = {
    "k3_s2_same": (4, 3, 2, "same", True, (1, 5, 6, 3), True),
    "k3_s1_valid": (5, 3, 1, "valid", True, (1, 4, 4, 2), True),
    "k4_s2_valid": (3, 4, 2, "valid", True, (1, 3, 5, 4), True),
    "k2_s2_same": (6, 2, 2, "same", True, (1, 4, 4, 8), True),
    "k3x2_s3x1_same": (2, (3, 2), (3, 1), "same", True, (1, 3, 4, 3), True),
    "k5_s2_same_odd": (3, 5, 2, "same", True, (1, 5, 7, 5), True),
    "batch2": (4, 3, 2, "same", True, (2, 3, 3, 2), True),
    "no_bias": (4, 3, 2, "same", False, (1, 4, 5, 3), True),
    "per_tensor": (4, 3, 2, "valid", True, (1, 4, 5, 3), False),
}


def tconv_model(name):
    filters, k, s, pad, bias, shape, per_channel = CASES[name]

    def build(x):
        tf = _tf()
        init = tf.keras.initializers.RandomUniform(-0.5, 0.5, seed=7)
        return tf.keras.layers.Conv2DTranspose(filters, k, strides=s, padding=pad, use_bias=bias,
                                               kernel_initializer=init,
                                               bias_initializer=init)(x)
    return int8_model(f"tconv_{name}", build, [shape], per_channel=per_channel)


@pytest.mark.parametrize("name", list(CASES))
def test_transpose_conv(name):
    path = tconv_model(name)
    assert "TRANSPOSE_CONV" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


@pytest.mark.parametrize("q", [{"in2": (0.05, -128), "out": (0.01, 30)},
                               {"in2": (0.002, 90), "out": (0.3, -100)}])
def test_transpose_conv_quantization(q):
    path = tconv_model("k3_s2_same")
    ops = load_model(path).ops
    if ops[0].opcode != "TRANSPOSE_CONV":
        pytest.fail(f"expected TRANSPOSE_CONV first, got {[o.opcode for o in ops]}")
    assert sweep_mismatches(edited(path, "tconv-q", quant=q), samples=4) == 0


def test_transpose_conv_fused_relu():
    path = edited(tconv_model("k3_s2_same"), "tconv-relu",
                  options={"fusedActivationFunction": 1})      # RELU
    g = load_model(path)
    assert g.ops[0].options.get("fused_activation") == "RELU"
    assert sweep_mismatches(path, samples=4) == 0


class TransposeConvParams(ctypes.Structure):
    _fields_ = ([("input", Dims), ("filter", Dims), ("output", Dims)]
                + _i32("stride_h", "stride_w", "pad_h", "pad_w", "input_offset", "output_offset",
                       "act_min", "act_max")
                + [("quant", ChannelQuant)])


@pytest.mark.parametrize("name", ["k3_s2_same", "batch2", "k4_s2_valid"])
def test_scratch_twin(name):
    lib = ctypes.CDLL(str(compile_shared([KERNELS_DIR / "transpose_conv_s8.c"], [KERNELS_DIR],
                                         Path(tempfile.mkdtemp(prefix="tinyc-kt-")) / "tc.so")))
    g = load_model(tconv_model(name))
    ctx = LowerCtx(g, NoReusePlan(g, NATIVE_RULES), get_board("host"))
    op = next(o for o in g.ops if o.opcode == "TRANSPOSE_CONV")
    lower_op(ctx, op)
    decl = ctx.params_decls[-1]
    assert decl.ctype == "tinyc_transpose_conv_params"
    params = TransposeConvParams()
    _fill(params, decl.fields)
    fn = lib.tinyc_transpose_conv_s8_scratch_size
    fn.restype, fn.argtypes = ctypes.c_int32, [ctypes.POINTER(TransposeConvParams)]
    want = LOWERINGS["TRANSPOSE_CONV"].scratch_bytes(g, op)
    assert want == fn(ctypes.byref(params)) == 4 * g.tensors[op.outputs[0]].elements


def test_int16_transpose_conv_is_one_line_error():
    path = edited(tconv_model("k3_s2_same"), "tconv16", dtypes={"in2": "INT16", "out": "INT16"},
                  quant={"in2": (0.001, 0), "out": (0.001, 0)})
    with pytest.raises(TinycError, match=r"TRANSPOSE_CONV"):
        sweep_mismatches(path, samples=1)


def test_transpose_conv_with_the_planner():
    """Scratch placed by the real planner, shared with other tensors' bytes over time."""
    from bitexact import mismatches
    from tinyc.planner.plan import plan_memory
    path = int8_model("tconv_chain", lambda x: _tf().keras.layers.Conv2DTranspose(
        3, 3, strides=2, padding="same")(_tf().keras.layers.Conv2D(4, 3, padding="same")(x)),
        [(1, 6, 5, 2)])
    g = load_model(path)
    plan = plan_memory(g, get_board("host"), rules=NATIVE_RULES)
    op = next(o for o in g.ops if o.opcode == "TRANSPOSE_CONV")
    assert plan.scratch(op.index)[1] >= 4 * g.tensors[op.outputs[0]].elements
    assert mismatches(path, samples=6, plan=plan) == 0


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
