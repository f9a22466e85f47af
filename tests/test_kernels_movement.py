"""Data-movement ops (SPLIT, SPLIT_V, ...): tinyc's native kernels against the TFLM
interpreter, byte for byte, on every axis, uneven parts and negative axes."""
from __future__ import annotations

import pytest

from modelgen import _tf, int8_fn_model
from test_kernels_elementwise import opcodes, sweep_mismatches


def _outputs_times_two(parts):
    # a distinct op after each part keeps every output a tensor of its own
    return [p * 2.0 for p in parts]


SPLITS = [
    ("SPLIT", (1, 6, 4, 3), 1, 3),
    ("SPLIT", (2, 5, 6), -1, 2),
    ("SPLIT", (4, 3), 0, 4),
    ("SPLIT_V", (1, 7, 5, 2), 1, [2, 4, 1]),
    ("SPLIT_V", (2, 3, 9), 2, [5, -1]),
    ("SPLIT_V", (3, 8), -2, [1, 2]),
]


@pytest.mark.parametrize("opcode,shape,axis,parts", SPLITS,
                         ids=[f"{c[0]}-{'x'.join(map(str, c[1]))}-ax{c[2]}" for c in SPLITS])
def test_split(opcode, shape, axis, parts):
    def fn(x):
        tf = _tf()
        return _outputs_times_two(tf.split(x, parts, axis=axis))
    path = int8_fn_model(f"mv_{opcode.lower()}_{'x'.join(map(str, shape))}_{axis}_{parts}",
                         lambda x: fn(x), [shape])
    assert opcode in opcodes(path)
    assert sweep_mismatches(path, samples=4) == 0
