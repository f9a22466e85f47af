"""REVERSE_V2, BROADCAST_TO, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, CAST and more of TFLM's int8
ops: tinyc's native kernels against the TFLM interpreter, byte for byte, over every branch of
their parameters; and the models TFLM refuses, refused by tinyc too."""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np
import pytest

import tflite_edit
from modelgen import CACHE, _cached, _tf, int8_fn_model, int16x8_fn_model, lazy_tf
from test_kernels_elementwise import edited, opcodes, sweep_mismatches
from tinyc.backends.native.debug_plan import NoReusePlan
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.errors import TinycError
from tinyc.frontend import load_model, read_model
from tinyc.hostlib import build_host_model
from tinyc.reference import random_inputs, tflm_outputs


def _name(*parts) -> str:
    return "_".join(str(p).replace(" ", "").replace(",", "x") for p in parts)


def _with_const(path: Path, k: int, values) -> Path:
    """A copy of `path` whose op 0 constant input k holds int32 `values` (same element count):
    parameters the converter's calibration run would itself refuse."""
    tag = f"{path.name}|{k}|{list(values)}"
    out = CACHE / f"{path.stem}-c-{hashlib.sha256(tag.encode()).hexdigest()[:10]}.tflite"
    if not out.exists():
        m = tflite_edit.load(path)
        t = m.subgraphs[0].tensors[m.subgraphs[0].operators[0].inputs[k]]
        m.buffers[t.buffer].data = np.asarray(values, np.int32).view(np.uint8).tolist()
        tflite_edit.save(m, out.with_suffix(".part"))
        out.with_suffix(".part").replace(out)
    return out


def _refused_by_both(path, match: str) -> None:
    """TFLM fails the model, and tinyc refuses it at compile time with `match`."""
    g = read_model(path)
    with pytest.raises(TinycError, match="TFLM reference interpreter refuses"):
        tflm_outputs(g, random_inputs(g, 1, seed=0))
    with pytest.raises(TinycError, match=match):
        load_model(path)


# ---------------------------------------------------------------- REVERSE_V2

REVERSES = [((2, 3, 4), [1]), ((2, 3, 4), [-1]), ((3, 5), [0, 1]), ((2, 3, 4, 2), [2, 1]),
            ((1, 6, 5, 3), [-3, -2, -1]), ((7,), [0])]


@pytest.mark.fast_first
@pytest.mark.parametrize("shape,axes", REVERSES, ids=[_name(*c) for c in REVERSES])
def test_reverse_v2(shape, axes):
    path = int8_fn_model(_name("more_rev", shape, axes), lambda x: _tf().reverse(x, axes),
                         [shape])
    assert "REVERSE_V2" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


def test_reverse_v2_non_consecutive_axes_refused():
    path = _with_const(int8_fn_model("more_rev_01", lambda x: _tf().reverse(x, [0, 1]),
                                     [(2, 3, 4)]), 1, [0, 2])
    _refused_by_both(path, r"^op 0 REVERSE_V2: axes \[0, 2\] must be distinct, consecutive")


# ---------------------------------------------------------------- BROADCAST_TO

BROADCASTS = [((3, 1), (2, 3, 4)), ((1, 4), (3, 4)), ((2, 1, 3), (2, 5, 3)), ((5,), (2, 3, 5)),
              ((1, 1), (1, 6)), ((2, 1, 1, 3), (2, 2, 4, 3)), ((1, 2, 1, 3, 1), (2, 2, 3, 3, 2))]


@pytest.mark.fast_first
@pytest.mark.parametrize("shape,to", BROADCASTS, ids=[_name(*c) for c in BROADCASTS])
def test_broadcast_to(shape, to):
    path = int8_fn_model(_name("more_bcast", shape, to),
                         lambda x: _tf().broadcast_to(x, list(to)), [shape])
    assert "BROADCAST_TO" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


# ---------------------------------------------------------------- SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND

# (input shape, block shape, paddings); the skewed range puts the zero point (the pad) far from 0
SPACE_TO_BATCH = [((1, 4, 4, 3), [2, 2], [[0, 0], [0, 0]]),
                  ((1, 3, 3, 2), [2, 2], [[1, 0], [0, 1]]),
                  ((2, 5, 4, 1), [3, 2], [[2, 2], [1, 1]]),
                  ((1, 6, 5, 4), [1, 3], [[0, 0], [2, 2]]),
                  ((2, 5, 3), [2], [[1, 0]]),
                  ((1, 7, 2), [3], [[0, 2]])]


@pytest.mark.fast_first
@pytest.mark.parametrize("shape,block,pads", SPACE_TO_BATCH, ids=[_name(*c) for c in SPACE_TO_BATCH])
def test_space_to_batch_nd(shape, block, pads):
    path = int8_fn_model(_name("more_s2b", shape, block, pads),
                         lambda x: _tf().space_to_batch(x, block, pads), [shape],
                         rep_range=(-0.3, 2.0))
    assert "SPACE_TO_BATCH_ND" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


# (input shape, block shape, crops)
BATCH_TO_SPACE = [((4, 2, 2, 3), [2, 2], [[0, 0], [0, 0]]),
                  ((4, 3, 3, 2), [2, 2], [[1, 0], [0, 1]]),
                  ((12, 3, 3, 1), [3, 2], [[2, 1], [1, 0]]),
                  ((6, 2, 4, 2), [1, 3], [[0, 1], [2, 2]]),
                  ((4, 3, 3), [2], [[1, 0]]),
                  ((3, 4, 2), [3], [[0, 2]])]


@pytest.mark.fast_first
@pytest.mark.parametrize("shape,block,crops", BATCH_TO_SPACE, ids=[_name(*c) for c in BATCH_TO_SPACE])
def test_batch_to_space_nd(shape, block, crops):
    path = int8_fn_model(_name("more_b2s", shape, block, crops),
                         lambda x: _tf().batch_to_space(x, block, crops), [shape])
    assert "BATCH_TO_SPACE_ND" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


# ---------------------------------------------------------------- GATHER_ND

# (params shape, constant indices): whole elements, slices, a 3-D index array, 5 indices per row
GATHER_ND = [((2, 3, 4), [[0, 1], [1, 2], [1, 0]]),
             ((2, 3, 4), [[1, 2, 3], [0, 0, 0]]),
             ((5, 3), [[4], [0], [2]]),
             ((3, 4, 2), [[[0, 1], [2, 3]], [[1, 1], [0, 0]]]),
             ((2, 2, 3, 2, 2), [[1, 0, 2, 1, 0], [0, 1, 1, 0, 1]]),
             ((4, 6, 2), [[3], [1], [3]])]


@pytest.mark.fast_first
@pytest.mark.parametrize("shape,idx", GATHER_ND, ids=[_name(*c) for c in GATHER_ND])
def test_gather_nd_constant_indices(shape, idx):
    path = int8_fn_model(_name("more_gnd", shape, idx),
                         lambda x: _tf().gather_nd(x, _tf().constant(idx, _tf().int32)) * 2.0,
                         [shape])
    assert "GATHER_ND" in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0


def test_gather_nd_constant_indices_outside_refused():
    """TFLM fails the invoke on a slice outside the params; tinyc refuses at compile time."""
    path = _with_const(int8_fn_model(_name("more_gnd", (2, 3), [[1, 2]]),
                                     lambda x: _tf().gather_nd(x, [[1, 2]]) * 2.0, [(2, 3)]),
                       1, [2, 0])
    _refused_by_both(path, r"^op 0 GATHER_ND: indices \[\[2, 0\]\] reach outside params")


@pytest.mark.slow
def test_gather_nd_run_time_indices():
    """An int8 table gathered by int32 index rows from a model input: in-range rows against
    TFLM, and a row past the table's end fails the kernel (as it fails TFLM's invoke)."""
    tf = _tf()
    table = np.linspace(-1, 1, 4 * 3 * 2, dtype=np.float32).reshape(4, 3, 2)

    def make():
        tf.keras.utils.set_random_seed(0)
        sig = [tf.TensorSpec((1, 5, 2), tf.int32), tf.TensorSpec((1, 1, 2), tf.float32)]
        fn = tf.function(lambda i, x: tf.gather_nd(tf.constant(table), i) * x,
                         input_signature=sig)
        conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()])
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        rng = np.random.default_rng(0)
        conv.representative_dataset = lambda: (
            [np.stack([rng.integers(0, 4, (1, 5)), rng.integers(0, 3, (1, 5))], -1).astype(np.int32),
             rng.uniform(-1, 1, (1, 1, 2)).astype(np.float32)] for _ in range(32))
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
        return conv.convert()
    g = load_model(_cached("more_gnd_runtime", "gather-nd-runtime-v1", make))
    op = next(o for o in g.ops if o.opcode == "GATHER_ND")
    assert not g.tensors[op.inputs[1]].is_const
    m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES),
                         Path(tempfile.mkdtemp(prefix="tinyc-kt-")), sanitize=True)
    rng = np.random.default_rng(1)
    kinds = [t.dtype for t in g.input_tensors()]
    xs = [[np.stack([rng.integers(0, 4, (1, 5)), rng.integers(0, 3, (1, 5))], -1).astype(np.int32)
           if k == "int32" else rng.integers(-128, 128, t.shape).astype(np.int8)
           for k, t in zip(kinds, g.input_tensors())] for _ in range(6)]
    for x, r in zip(xs, tflm_outputs(g, xs)):
        assert all(np.array_equal(a, b) for a, b in zip(m.run(x), r))
    bad = [x.copy() for x in xs[0]]
    bad[kinds.index("int32")][0, 2] = [3, 3]    # starts at element 24 of the table's 24
    with pytest.raises(TinycError, match="tinyc_invoke"):
        m.run(bad)


# ---------------------------------------------------------------- CAST

_CAST_TYPES = ["int8", "int16", "int32", "float32"]
CASTS = [(a, b) for a in _CAST_TYPES for b in _CAST_TYPES if a != b]
# the inputs' ranges: every integer value of the type, floats inside the target's range (a
# float outside it has no defined result in C++, so neither in TFLM)
_FLOAT_RANGE = {"int8": 127.0, "int16": 32767.0, "int32": 2.1e9}


def _cast_model(src: str, dst: str) -> Path:
    tf = lazy_tf()

    def make():
        fn = tf.function(lambda x: tf.cast(x, getattr(tf, dst)),
                         input_signature=[tf.TensorSpec((3, 41), getattr(tf, src))])
        return tf.lite.TFLiteConverter.from_concrete_functions(
            [fn.get_concrete_function()]).convert()
    return _cached(f"more_cast_{src}_{dst}", "cast-v1", make)


def _host_mismatches(path, xs) -> int:
    g = load_model(path)
    m = build_host_model(g, get_board("host"), NoReusePlan(g, NATIVE_RULES),
                         Path(tempfile.mkdtemp(prefix="tinyc-kt-")), sanitize=True)
    return sum(int(np.count_nonzero(a != b)) for x, r in zip(xs, tflm_outputs(g, xs))
               for a, b in zip(m.run(x), r))


@pytest.mark.fast_first
@pytest.mark.parametrize("src,dst", CASTS, ids=[f"{a}-{b}" for a, b in CASTS])
def test_cast(src, dst):
    path = _cast_model(src, dst)
    assert opcodes(path) == ["CAST"]
    rng = np.random.default_rng(0)
    if src == "float32":
        lim = _FLOAT_RANGE[dst]
        xs = [[rng.uniform(-lim, lim, (3, 41)).astype(np.float32)] for _ in range(3)]
        xs.append([np.array([0.5, -0.5, 1.99, -1.99, 0.0, -0.0, 126.9, -127.9] * 15 + [7.0] * 3,
                            np.float32).reshape(3, 41)])
    else:
        info = np.iinfo(src)
        xs = [[rng.integers(info.min, info.max, (3, 41), endpoint=True, dtype=src)]
              for _ in range(3)]
        edges = [info.min, info.max, 0, -1, 1, 127, 128, -129, 32767, 32768, 255, 256]
        xs.append([np.resize(np.array(edges, np.int64).astype(src), (3, 41))])
    assert _host_mismatches(path, xs) == 0


def test_cast_to_uint8_refused():
    _refused_by_both(_cast_model("int8", "uint8"), r"^op 0 CAST: int8 -> uint8 is not supported")


# ---------------------------------------------------------------- ELU

def _unary_int8(opcode: str, tag: str, quant: dict | None) -> Path:
    """An int8 ABS model (the converter emits ELU only in float) rewritten as `opcode`, with
    op 0's scales and zero points `quant`: TFLM runs the int8 kernel on it."""
    base = int8_fn_model("more_unary_abs", lambda x: _tf().abs(x), [(1, 256)], rep_range=(-2, 1))
    return edited(base, tag, quant=quant, opcode=opcode)


ELUS = [("abs-scales", None),
        ("negative-half", {"in0": (0.03, 0), "out": (0.02, 10)}),
        ("all-negative", {"in0": (0.05, 127), "out": (0.01, 100)}),
        ("fine-input", {"in0": (0.002, -20), "out": (0.004, -5)}),
        ("saturating", {"in0": (0.1, -128), "out": (0.01, -128)}),
        ("coarse-output", {"in0": (0.01, 3), "out": (0.3, -90)})]


@pytest.mark.fast_first
@pytest.mark.parametrize("tag,quant", ELUS, ids=[c[0] for c in ELUS])
def test_elu(tag, quant):
    path = _unary_int8("ELU", f"elu-{tag}", quant)
    assert opcodes(path) == ["ELU"]
    assert sweep_mismatches(path, samples=2) == 0


# ---------------------------------------------------------------- ADD_N

def _add_n(tag: str, n_inputs: int, quant: dict) -> Path:
    """An int8 ADD of two model inputs (the converter emits ADD_N only in float) rewritten as
    ADD_N of `n_inputs` operands (the inputs repeated in turn), with scales and zero points
    `quant` ("in" for every input, "out")."""
    base = int8_fn_model("more_add2", lambda x, y: x + y, [(2, 3, 5), (2, 3, 5)])
    path = edited(base, f"addn-{tag}", quant={"in0": quant["in"], "in1": quant["in"],
                                              "out": quant["out"]}, opcode="ADD_N")
    if n_inputs == 2:
        return path
    out = path.with_name(f"{path.stem}-n{n_inputs}.tflite")
    if not out.exists():
        m = tflite_edit.load(path)
        op = m.subgraphs[0].operators[0]
        op.inputs = [op.inputs[k % 2] for k in range(n_inputs)]
        tflite_edit.save(m, out.with_suffix(".part"))
        out.with_suffix(".part").replace(out)
    return out


ADD_NS = [("two", 2, {"in": (0.02, 3), "out": (0.04, -2)}),
          ("three", 3, {"in": (0.02, -10), "out": (0.05, 7)}),
          ("five-saturating", 5, {"in": (0.05, 100), "out": (0.03, -128)}),
          ("zero-zp", 4, {"in": (0.01, 0), "out": (0.01, 0)}),
          ("fine-output", 3, {"in": (0.1, -128), "out": (0.003, 127)}),
          ("fifteen", 15, {"in": (0.004, 60), "out": (0.06, -30)})]


@pytest.mark.fast_first
@pytest.mark.parametrize("tag,n,quant", ADD_NS, ids=[c[0] for c in ADD_NS])
def test_add_n(tag, n, quant):
    path = _add_n(tag, n, quant)
    assert opcodes(path) == ["ADD_N"]
    assert sweep_mismatches(path, samples=4) == 0


def test_add_n_unequal_input_scales_refused():
    path = edited(_add_n("two", 2, ADD_NS[0][2]), "unequal", quant={"in1": (0.03, 3)})
    _refused_by_both(path, r"^op 0 ADD_N: input '.*' has scale 0.03.* TFLM requires them equal")


# ---------------------------------------------------------------- ZEROS_LIKE, NEG

ZEROS_LIKE = [("abs-scales", None), ("zero-point-far-from-0", {"in0": (0.02, 90), "out": (0.02, -77)})]


@pytest.mark.fast_first
@pytest.mark.parametrize("tag,quant", ZEROS_LIKE, ids=[c[0] for c in ZEROS_LIKE])
def test_zeros_like(tag, quant):
    """The converter folds ZEROS_LIKE away; TFLM writes byte 0 (not the zero point)."""
    path = _unary_int8("ZEROS_LIKE", f"zeros-{tag}", quant)
    assert opcodes(path) == ["ZEROS_LIKE"]
    assert sweep_mismatches(path, samples=2) == 0


def test_neg_int8_refused():
    """TFLM's NEG runs float32 only (its int8 case is a TODO): an int8 NEG fails its invoke."""
    _refused_by_both(_unary_int8("NEG", "neg", None), r"^op 0 NEG is not supported")


# ---------------------------------------------------------------- int16 (16x8 models)

def test_int16_byte_movers():
    """TFLM's REVERSE_V2 and BROADCAST_TO copy int16 too; tinyc's strided copy matches."""
    tf = lazy_tf()
    for name, fn, shape in [("rev", lambda x: tf.reverse(x, [1, 2]), (2, 3, 4)),
                            ("bcast", lambda x: tf.broadcast_to(x, [2, 3, 4]), (3, 1))]:
        path = int16x8_fn_model(f"more16_{name}", fn, [shape])
        assert opcodes(path) == [{"rev": "REVERSE_V2", "bcast": "BROADCAST_TO"}[name]]
        g = load_model(path)
        xs = random_inputs(g, 4, seed=2)
        assert _host_mismatches(path, xs) == 0


@pytest.mark.parametrize("name,opcode", [("gnd", "GATHER_ND"), ("s2b", "SPACE_TO_BATCH_ND")])
def test_int16_refused_where_tflm_refuses(name, opcode):
    tf = lazy_tf()
    fn, shape = {"gnd": (lambda x: tf.gather_nd(x, [[0, 1]]), (2, 3, 4)),
                 "s2b": (lambda x: tf.space_to_batch(x, [2, 2], [[0, 0], [0, 0]]), (1, 4, 4, 2))}[name]
    path = int16x8_fn_model(f"more16_{name}", fn, [shape])
    _refused_by_both(path, rf"^op 0 {opcode} uses int16 tensor")


# ---------------------------------------------------------------- on the emulated board

@pytest.mark.qemu
@pytest.mark.slow
def test_byte_movers_on_cortex_m():
    """REVERSE_V2, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, GATHER_ND and BROADCAST_TO in one
    model, built for the Cortex-M board and checked there against TFLM."""
    import tinyc
    tf = _tf()

    def fn(x):
        b = tf.space_to_batch(tf.reverse(x, [1]), [2, 2], [[1, 1], [0, 0]])
        c = tf.batch_to_space(b * 2.0, [2, 2], [[0, 1], [0, 0]])
        return tf.broadcast_to(tf.gather_nd(c, [[0, 1], [0, 3]])[:, None], [2, 3, 4, 3])
    path = int8_fn_model("more_combo", fn, [(1, 4, 4, 3)])
    assert {"REVERSE_V2", "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND", "GATHER_ND",
            "BROADCAST_TO"} <= set(opcodes(path))
    report = tinyc.compile(path, board="mps2-an386").verify(samples=3, seed=0)
    assert report["bit_exact"], report


def test_missing_input_is_one_error_line():
    """A GATHER_ND without its indices input: one `error:` naming the op, no traceback."""
    base = int8_fn_model(_name("more_gnd", (2, 3), [[1, 2]]),
                         lambda x: _tf().gather_nd(x, [[1, 2]]) * 2.0, [(2, 3)])
    out = base.with_name(f"{base.stem}-one-input.tflite")
    if not out.exists():
        m = tflite_edit.load(base)
        m.subgraphs[0].operators[0].inputs = m.subgraphs[0].operators[0].inputs[:1]
        tflite_edit.save(m, out.with_suffix(".part"))
        out.with_suffix(".part").replace(out)
    with pytest.raises(TinycError, match=r"^op 0 GATHER_ND: it has 1 inputs, it takes 2"):
        read_model(out)


def test_add_n_sixteen_inputs_refused():
    """16 int8 inputs can overflow TFLM's int32 sum (undefined in C++): tinyc says so."""
    path = _add_n("sixteen", 16, {"in": (0.004, 60), "out": (0.06, -30)})
    with pytest.raises(TinycError, match=r"^op 0 ADD_N: 16 inputs overflow TFLM's int32 sum"):
        load_model(path)
