"""Conv, pooling and data-movement kernels against TFLM, bit for bit, over parameter sweeps on
small int8 models made with TensorFlow (fixed seeds, cached by tests/modelgen.py)."""
from __future__ import annotations

import ctypes
import hashlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from bitexact import mismatches  # noqa: E402
from modelgen import int8_fn_model, int8_model  # noqa: E402

from tinyc.backends.native.codegen import KERNELS_DIR  # noqa: E402
from tinyc.backends.native.debug_plan import NoReusePlan  # noqa: E402
from tinyc.backends.native.lower import LOWERINGS, LowerCtx, lower_op  # noqa: E402
from tinyc.backends.native.rules import NATIVE_RULES  # noqa: E402
from tinyc.boards import get_board  # noqa: E402
from tinyc.frontend import load_model  # noqa: E402
from tinyc.hostlib import compile_shared  # noqa: E402


def _keras():
    import tensorflow as tf
    return tf.keras.layers


# name -> (layer kwargs, input shape, per_channel); each a Conv2D with 5 or 6 filters.
CONV = {
    "k3_s1_same_relu": (dict(filters=5, kernel_size=3, padding="same", activation="relu"),
                        (1, 9, 11, 3), True),
    "k3_s2_valid_relu6": (dict(filters=6, kernel_size=3, strides=2, activation="relu6"),
                          (1, 11, 10, 4), True),
    "k5_s3_same_none": (dict(filters=5, kernel_size=5, strides=3, padding="same"),
                        (1, 13, 14, 2), True),
    "k3_d2_same": (dict(filters=4, kernel_size=3, dilation_rate=2, padding="same",
                        activation="relu"), (1, 10, 9, 3), True),
    "k3_d2_valid": (dict(filters=4, kernel_size=3, dilation_rate=2), (1, 11, 12, 2), True),
    "k1x1": (dict(filters=7, kernel_size=1), (1, 5, 7, 8), True),
    "k2x3_s2x1_same": (dict(filters=5, kernel_size=(2, 3), strides=(2, 1), padding="same"),
                       (1, 9, 8, 3), True),
    "k3_s2_same_per_tensor": (dict(filters=6, kernel_size=3, strides=2, padding="same",
                                   activation="relu"), (1, 10, 11, 3), False),
    "k4_s3_valid_per_tensor": (dict(filters=3, kernel_size=4, strides=3), (1, 14, 13, 2), False),
    "batch2_k3": (dict(filters=4, kernel_size=3, padding="same"), (2, 6, 7, 3), True),
    "groups2": (dict(filters=6, kernel_size=3, padding="same", groups=2), (1, 7, 8, 4), True),
}

# name -> (DepthwiseConv2D kwargs, input shape, per_channel)
DEPTHWISE = {
    "dm1_k3_s1_same_relu": (dict(kernel_size=3, padding="same", activation="relu"),
                            (1, 9, 11, 4), True),
    "dm2_k3_s2_valid_relu6": (dict(kernel_size=3, strides=2, depth_multiplier=2,
                                   activation="relu6"), (1, 11, 10, 3), True),
    "dm3_k5_s3_same": (dict(kernel_size=5, strides=3, depth_multiplier=3, padding="same"),
                       (1, 13, 14, 2), True),
    "dm1_k3_d2_same": (dict(kernel_size=3, dilation_rate=2, padding="same"), (1, 10, 9, 5), True),
    "dm2_k3_d2_valid": (dict(kernel_size=3, dilation_rate=2, depth_multiplier=2),
                        (1, 11, 12, 2), True),
    "dm8_from1_s2_same": (dict(kernel_size=(4, 3), strides=2, depth_multiplier=8,
                               padding="same", activation="relu"), (1, 15, 12, 1), True),
    "dm1_per_tensor": (dict(kernel_size=3, strides=2, padding="same", activation="relu6"),
                       (1, 10, 11, 6), False),
    "dm3_per_tensor_valid": (dict(kernel_size=2, depth_multiplier=3), (1, 7, 6, 2), False),
}

# name -> (pool class, kwargs, input shape)
POOL = {
    "avg_2_s2_valid": ("AveragePooling2D", dict(pool_size=2), (1, 9, 11, 3)),
    "avg_3_s2_same": ("AveragePooling2D", dict(pool_size=3, strides=2, padding="same"),
                      (1, 10, 9, 4)),
    "avg_3_s1_same": ("AveragePooling2D", dict(pool_size=3, strides=1, padding="same"),
                      (1, 7, 6, 2)),
    "avg_2x3_s3_same": ("AveragePooling2D", dict(pool_size=(2, 3), strides=3, padding="same"),
                        (1, 11, 13, 3)),
    "max_2_s2_valid": ("MaxPooling2D", dict(pool_size=2), (1, 9, 11, 3)),
    "max_3_s2_same": ("MaxPooling2D", dict(pool_size=3, strides=2, padding="same"),
                      (1, 10, 9, 4)),
    "max_3_s3_valid": ("MaxPooling2D", dict(pool_size=3, strides=3), (1, 13, 12, 2)),
    "max_2x3_s1_same": ("MaxPooling2D", dict(pool_size=(2, 3), strides=1, padding="same"),
                        (1, 6, 7, 3)),
}


def _model(kind, name, spec, build, shape, seed, per_channel=True):
    """A cached model whose cache key includes the case's parameters (the lambda's source
    is the same line for every case)."""
    tag = hashlib.sha256(repr(spec).encode()).hexdigest()[:8]
    return int8_model(f"{kind}_{name}_{tag}", build, [shape], seed=seed, per_channel=per_channel)


def _opcodes(path):
    return {op.opcode for op in load_model(path).ops}


@pytest.mark.parametrize("name", sorted(CONV))
@pytest.mark.fast_first
def test_conv2d(name):
    kw, shape, per_channel = CONV[name]
    path = _model("conv", name, CONV[name], lambda x, kw=kw: _keras().Conv2D(**kw)(x), shape,
                  seed=1, per_channel=per_channel)
    assert _opcodes(path) >= {"CONV_2D"}
    assert mismatches(path) == 0


@pytest.mark.parametrize("name", sorted(DEPTHWISE))
@pytest.mark.fast_first
def test_depthwise_conv2d(name):
    kw, shape, per_channel = DEPTHWISE[name]
    path = _model("dw", name, DEPTHWISE[name],
                  lambda x, kw=kw: _keras().DepthwiseConv2D(**kw)(x), shape, seed=2,
                  per_channel=per_channel)
    assert _opcodes(path) >= {"DEPTHWISE_CONV_2D"}
    assert mismatches(path) == 0


@pytest.mark.parametrize("name", sorted(POOL))
@pytest.mark.fast_first
def test_pool2d(name):
    cls, kw, shape = POOL[name]
    path = _model("pool", name, POOL[name],
                  lambda x, cls=cls, kw=kw: getattr(_keras(), cls)(**kw)(x), shape, seed=3)
    assert _opcodes(path) & {"AVERAGE_POOL_2D", "MAX_POOL_2D"}
    assert mismatches(path) == 0


def _tf():
    import tensorflow as tf
    return tf


def conv_relu_n1_to_1(x):
    tf = _tf()
    w = tf.constant(__import__("numpy").random.default_rng(4).uniform(-0.5, 0.5, (3, 3, 3, 5)),
                    tf.float32)
    return tf.clip_by_value(tf.nn.conv2d(x, w, strides=2, padding="SAME"), -1.0, 1.0)


def dw_relu_n1_to_1(x):
    tf = _tf()
    w = tf.constant(__import__("numpy").random.default_rng(5).uniform(-0.5, 0.5, (3, 3, 4, 2)),
                    tf.float32)
    y = tf.nn.depthwise_conv2d(x, w, strides=[1, 1, 1, 1], padding="VALID")
    return tf.clip_by_value(y, -1.0, 1.0)


def mean_hw_keep(x):
    return _tf().reduce_mean(x, axis=[1, 2], keepdims=True)


def mean_hw(x):
    return _tf().reduce_mean(x, axis=[1, 2])


def mean_last(x):
    return _tf().reduce_mean(x, axis=-1)


def mean_axis1_keep(x):
    return _tf().reduce_mean(x, axis=1, keepdims=True)


def mean_13(x):
    return _tf().reduce_mean(x, axis=[1, 3])


def pad_hw(x):
    return _tf().pad(x, [[0, 0], [1, 2], [3, 0], [0, 0]])


def pad_all(x):
    return _tf().pad(x, [[0, 0], [2, 1], [1, 1], [1, 2]])


def padv2_const(x):
    return _tf().pad(x, [[0, 0], [1, 1], [0, 2], [0, 0]], constant_values=0.5)


def concat_c(a, b):
    return _tf().concat([a, b], axis=3)


def concat_h3(a, b, c):
    return _tf().concat([a, b, c], axis=1)


def transpose_nchw(x):
    return _tf().transpose(x, [0, 3, 1, 2])


def transpose_0213(x):
    return _tf().transpose(x, [0, 2, 1, 3])


def transpose_3d(x):
    return _tf().transpose(x, [2, 0, 1])


def slice_steps(x):
    return x[:, 1:7:2, ::-1, 1:]


def slice_shrink(x):
    return x[:, 2, 1:-1, :]


def slice_neg(x):
    return x[:, -5:-1, 7:1:-3]


def reshape_then_conv(x):
    tf = _tf()
    y = tf.reshape(x, [1, 6, 8, 2])
    w = tf.constant(__import__("numpy").random.default_rng(6).uniform(-0.5, 0.5, (3, 3, 2, 4)),
                    tf.float32)
    return tf.reshape(tf.nn.relu(tf.nn.conv2d(y, w, strides=1, padding="SAME")), [1, 192])


# name -> (function, input shapes, opcode that must appear)
FN = {
    "conv_relu_n1_to_1": (conv_relu_n1_to_1, [(1, 9, 10, 3)], "CONV_2D"),
    "dw_relu_n1_to_1": (dw_relu_n1_to_1, [(1, 8, 7, 4)], "DEPTHWISE_CONV_2D"),
    "mean_hw_keep": (mean_hw_keep, [(1, 7, 7, 16)], "MEAN"),
    "mean_hw": (mean_hw, [(1, 5, 6, 8)], "MEAN"),
    "mean_last": (mean_last, [(1, 4, 9)], "MEAN"),
    "mean_axis1_keep": (mean_axis1_keep, [(1, 13, 3, 2)], "MEAN"),
    "mean_13": (mean_13, [(1, 6, 5, 7)], "MEAN"),
    "pad_hw": (pad_hw, [(1, 5, 6, 3)], "PAD"),
    "pad_all": (pad_all, [(1, 4, 5, 2)], "PAD"),
    "padv2_const": (padv2_const, [(1, 5, 4, 3)], None),
    "concat_c": (concat_c, [(1, 4, 5, 3), (1, 4, 5, 2)], "CONCATENATION"),
    "concat_h3": (concat_h3, [(1, 2, 5, 3), (1, 3, 5, 3), (1, 1, 5, 3)], "CONCATENATION"),
    "transpose_nchw": (transpose_nchw, [(1, 5, 6, 3)], "TRANSPOSE"),
    "transpose_0213": (transpose_0213, [(1, 4, 7, 3)], "TRANSPOSE"),
    "transpose_3d": (transpose_3d, [(4, 5, 6)], "TRANSPOSE"),
    "slice_steps": (slice_steps, [(1, 9, 8, 4)], "STRIDED_SLICE"),
    "slice_shrink": (slice_shrink, [(1, 5, 6, 3)], "STRIDED_SLICE"),
    "slice_neg": (slice_neg, [(1, 7, 9)], "STRIDED_SLICE"),
    "reshape_then_conv": (reshape_then_conv, [(1, 96)], "RESHAPE"),
}


@pytest.mark.parametrize("name", sorted(FN))
@pytest.mark.fast_first
def test_fn_ops(name):
    fn, shapes, opcode = FN[name]
    path = int8_fn_model(name, fn, shapes, seed=7)
    ops = _opcodes(path)
    if opcode:
        assert opcode in ops, f"{name}: TensorFlow made {sorted(ops)}"
    assert mismatches(path) == 0


def test_relu_n1_to_1_is_fused():
    g = load_model(int8_fn_model("conv_relu_n1_to_1", conv_relu_n1_to_1, [(1, 9, 10, 3)], seed=7))
    acts = {op.options.get("fused_activation") for op in g.ops if op.opcode == "CONV_2D"}
    assert acts == {"RELU_N1_TO_1"}


def test_reshape_aliased_in_planned_model(tmp_path):
    """With the planner's plan, RESHAPE shares its input's bytes and emits no code."""
    from tinyc.backends.native.codegen import generate
    from tinyc.planner import plan_memory
    path = int8_fn_model("reshape_then_conv", reshape_then_conv, [(1, 96)], seed=7)
    g = load_model(path)
    board = get_board("host")
    plan = plan_memory(g, board, NATIVE_RULES)
    out = tmp_path
    generate(g, board, plan, out)
    text = (out / "model.c").read_text()
    reshapes = [op for op in g.ops if op.opcode == "RESHAPE"]
    assert reshapes and all(plan.offset(op.inputs[0]) == plan.offset(op.outputs[0])
                            for op in reshapes)
    assert "tinyc_copy_nd" not in text
    assert mismatches(path, plan=plan) == 0


# ---- scratch twins: Python's scratch_bytes equals the C *_scratch_size ---------------------

class Dims(ctypes.Structure):
    _fields_ = [(k, ctypes.c_int32) for k in "nhwc"]


class ChannelQuant(ctypes.Structure):
    _fields_ = [("multiplier", ctypes.c_void_p), ("shift", ctypes.c_void_p)]


def _i32(*names):
    return [(n, ctypes.c_int32) for n in names]


class ConvParams(ctypes.Structure):
    _fields_ = ([("input", Dims), ("filter", Dims), ("output", Dims)]
                + _i32("stride_h", "stride_w", "dilation_h", "dilation_w", "pad_h", "pad_w",
                       "input_offset", "output_offset", "act_min", "act_max")
                + [("quant", ChannelQuant)])


class DepthwiseParams(ctypes.Structure):
    _fields_ = ([("input", Dims), ("filter", Dims), ("output", Dims)]
                + _i32("depth_multiplier", "stride_h", "stride_w", "dilation_h", "dilation_w",
                       "pad_h", "pad_w", "input_offset", "output_offset", "act_min", "act_max")
                + [("quant", ChannelQuant)])


# opcode -> (C struct, C params type name, scratch-size function, kernel source)
SCRATCH_KERNELS = {
    "CONV_2D": (ConvParams, "tinyc_conv2d_params", "tinyc_conv2d_s8_scratch_size",
                "conv2d_s8.c"),
    "DEPTHWISE_CONV_2D": (DepthwiseParams, "tinyc_depthwise_conv2d_params",
                          "tinyc_depthwise_conv2d_s8_scratch_size", "depthwise_conv2d_s8.c"),
}


def _fill(struct, fields: dict):
    for k, v in fields.items():
        if isinstance(v, dict):
            _fill(getattr(struct, k), v)
        elif isinstance(v, int):
            setattr(struct, k, v)


def _layout_source(work: Path) -> Path:
    """C that reports, for each mirrored struct, its size and every mirrored field's offset,
    in the order of `_layout_python`: the mirrors are checked against the compiler."""
    headers = sorted({v[3].replace(".c", ".h") for v in SCRATCH_KERNELS.values()})
    items = ["sizeof(tinyc_dims)", "sizeof(tinyc_channel_quant)"]
    for cls, ctype, _, _ in SCRATCH_KERNELS.values():
        items += [f"sizeof({ctype})"] + [f"offsetof({ctype}, {f})" for f, _ in cls._fields_]
    src = work / "layout.c"
    src.write_text("#include <stddef.h>\n#include <stdint.h>\n"
                   + "".join(f'#include "{h}"\n' for h in headers)
                   + f"const uint32_t tinyc_test_layout[{len(items)}] = {{\n    "
                   + ",\n    ".join(f"(uint32_t){i}" for i in items) + "\n};\n")
    return src


def _layout_python() -> list[int]:
    out = [ctypes.sizeof(Dims), ctypes.sizeof(ChannelQuant)]
    for cls, _, _, _ in SCRATCH_KERNELS.values():
        out += [ctypes.sizeof(cls)] + [getattr(cls, f).offset for f, _ in cls._fields_]
    return out


@pytest.fixture(scope="module")
def kernel_lib(tmp_path_factory):
    work = tmp_path_factory.mktemp("kernels")
    srcs = [KERNELS_DIR / v[3] for v in SCRATCH_KERNELS.values()] + [_layout_source(work)]
    return ctypes.CDLL(str(compile_shared(srcs, [KERNELS_DIR], work / "libkernels.so")))


def test_ctypes_mirrors_match_the_c_structs(kernel_lib):
    want = _layout_python()
    got = (ctypes.c_uint32 * len(want)).in_dll(kernel_lib, "tinyc_test_layout")
    assert list(got) == want


@pytest.mark.parametrize("case", ["conv:k3_s2_valid_relu6", "conv:k1x1", "conv:groups2",
                                  "dw:dm2_k3_s2_valid_relu6", "dw:dm8_from1_s2_same"])
@pytest.mark.fast_first
def test_scratch_twins(case, kernel_lib):
    kind, name = case.split(":")
    table, build, seed = ((CONV, lambda kw: (lambda x: _keras().Conv2D(**kw)(x)), 1)
                          if kind == "conv" else
                          (DEPTHWISE, lambda kw: (lambda x: _keras().DepthwiseConv2D(**kw)(x)), 2))
    kw, shape, per_channel = table[name]
    path = _model(kind, name, table[name], build(kw), shape, seed, per_channel)
    g = load_model(path)
    plan = NoReusePlan(g, NATIVE_RULES)
    ctx = LowerCtx(g, plan, get_board("host"))
    checked = 0
    for op in g.ops:
        if op.opcode not in SCRATCH_KERNELS:
            continue
        cls, ctype, fn, _ = SCRATCH_KERNELS[op.opcode]
        lower_op(ctx, op)
        decl = ctx.params_decls[-1]
        assert decl.ctype == ctype
        params = cls()
        _fill(params, decl.fields)
        cfun = getattr(kernel_lib, fn)
        cfun.restype = ctypes.c_int32
        cfun.argtypes = [ctypes.POINTER(cls)]
        assert LOWERINGS[op.opcode].scratch_bytes(g, op) == cfun(ctypes.byref(params))
        checked += 1
    assert checked


# ---- unsupported combinations: one clear line naming the op --------------------------------

def test_unsupported_fused_activation_is_clear():
    from tinyc.errors import TinycError
    path = _model("conv", "k1x1", CONV["k1x1"],
                  lambda x, kw=CONV["k1x1"][0]: _keras().Conv2D(**kw)(x), CONV["k1x1"][1], 1)
    g = load_model(path)
    op = next(op for op in g.ops if op.opcode == "CONV_2D")
    op.options["fused_activation"] = "TANH"
    ctx = LowerCtx(g, NoReusePlan(g, NATIVE_RULES), get_board("host"))
    with pytest.raises(TinycError, match=rf"^op {op.index} CONV_2D: fused activation TANH"):
        lower_op(ctx, op)


# name -> (Dense kwargs, input shape, per_channel): batches, keep_num_dims, no bias
FC = {
    "batch3_relu": (dict(units=7, activation="relu"), (3, 10), True),
    "keep_dims_3d": (dict(units=5), (1, 4, 10), True),
    "no_bias_per_tensor_relu6": (dict(units=6, use_bias=False, activation="relu6"), (2, 9), False),
    "keep_dims_b2_per_tensor": (dict(units=5, activation="relu"), (2, 3, 6), False),
}


@pytest.mark.parametrize("name", sorted(FC))
@pytest.mark.fast_first
def test_fully_connected(name):
    kw, shape, per_channel = FC[name]
    path = _model("fc", name, FC[name], lambda x, kw=kw: _keras().Dense(**kw)(x), shape,
                  seed=9, per_channel=per_channel)
    assert "FULLY_CONNECTED" in _opcodes(path)
    assert mismatches(path) == 0


class _UnaliasedViews(NoReusePlan):
    """NoReusePlan, except that every RESHAPE output gets bytes of its own."""

    def __init__(self, graph, rules):
        super().__init__(graph, rules)
        for op in graph.ops:
            if op.opcode == "RESHAPE":
                self._offsets[op.outputs[0]] = self.arena_bytes
                self.arena_bytes += -(-graph.tensors[op.outputs[0]].nbytes // 16) * 16


def test_reshape_copies_when_not_aliased(tmp_path):
    from tinyc.backends.native.codegen import generate
    path = int8_fn_model("reshape_then_conv", reshape_then_conv, [(1, 96)], seed=7)
    g = load_model(path)
    plan = _UnaliasedViews(g, NATIVE_RULES)
    out = tmp_path
    generate(g, get_board("host"), plan, out)
    assert "tinyc_copy_nd" in (out / "model.c").read_text()
    assert mismatches(path, plan=plan) == 0
