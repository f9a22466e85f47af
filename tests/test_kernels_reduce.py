"""SUM, REDUCE_MAX, REDUCE_MIN, ARG_MAX and ARG_MIN: tinyc's native kernels against the TFLM
interpreter, byte for byte, over single and multiple axes, negative axes and keep_dims."""
from __future__ import annotations

import pytest

from modelgen import _tf, int8_fn_model
from test_kernels_elementwise import edited, opcodes, sweep_mismatches
from tinyc.errors import TinycError

REDUCTIONS = {"SUM": "reduce_sum", "REDUCE_MAX": "reduce_max", "REDUCE_MIN": "reduce_min"}
AXES = [((1, 4, 5, 3), [1, 2], True), ((1, 4, 5, 3), [1, 2], False), ((2, 5, 6), -1, False),
        ((2, 5, 6), 0, True), ((1, 3, 4, 5), [1, 3], False), ((3, 7), [0, 1], False)]


def reduce_model(opcode, shape, axis, keep):
    def fn(x):
        return getattr(_tf(), REDUCTIONS[opcode])(x, axis=axis, keepdims=keep)
    return int8_fn_model(f"red_{opcode.lower()}_{'x'.join(map(str, shape))}_{axis}_{keep}",
                         lambda x: fn(x), [shape])


@pytest.mark.parametrize("opcode", list(REDUCTIONS))
@pytest.mark.parametrize("shape,axis,keep", AXES,
                         ids=[f"{'x'.join(map(str, s))}-{a}-{k}" for s, a, k in AXES])
def test_reduce(opcode, shape, axis, keep):
    path = reduce_model(opcode, shape, axis, keep)
    assert opcodes(path) == [opcode]
    assert sweep_mismatches(path, samples=4) == 0


@pytest.mark.parametrize("q", [{"in0": (0.01, -100), "out": (0.2, 5)},
                               {"in0": (0.3, 20), "out": (0.01, -128)}])
def test_sum_quantization(q):
    path = edited(reduce_model("SUM", (1, 4, 5, 3), [1, 2], True), "sum-q", quant=q)
    assert sweep_mismatches(path, samples=4) == 0


def test_reduce_max_rescaling_is_refused_as_tflm():
    path = edited(reduce_model("REDUCE_MAX", (2, 5, 6), -1, False), "max-q",
                  quant={"out": (0.5, 3)})
    with pytest.raises(TinycError, match=r"^op 0 REDUCE_MAX: the output must keep the input's"):
        sweep_mismatches(path, samples=1)


ARGS = [((1, 10), -1), ((2, 5, 6), 1), ((1, 4, 5, 3), 3), ((3, 7), 0)]


@pytest.mark.parametrize("opcode", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("shape,axis", ARGS, ids=[f"{'x'.join(map(str, s))}-{a}" for s, a in ARGS])
def test_arg_min_max(opcode, shape, axis):
    def fn(x):
        tf = _tf()
        f = tf.math.argmax if opcode == "ARG_MAX" else tf.math.argmin
        return f(x, axis=axis, output_type=tf.int32)
    path = int8_fn_model(f"red_{opcode.lower()}_{'x'.join(map(str, shape))}_{axis}",
                         lambda x: fn(x), [shape])
    assert opcodes(path) == [opcode]
    assert sweep_mismatches(path, samples=6) == 0


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
