"""RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR: tinyc's native kernels against the TFLM
interpreter, byte for byte, over every combination of align_corners and half_pixel_centers
that TFLM accepts, on up-, down- and uneven scales, batches and a one-pixel output."""
from __future__ import annotations

import pytest

from bitexact import mismatches
from modelgen import _tf, int8_fn_model
from test_kernels_elementwise import edited, sweep_mismatches
from tinyc.backends.native.ops.resize import bilinear_axis, nearest_index
from tinyc.errors import TinycError
from tinyc.frontend import load_model


def resize_model(method: str, in_shape, size, align: bool, half: bool):
    def fn(x):
        img = _tf().compat.v1.image
        f = img.resize_nearest_neighbor if method == "nearest" else img.resize_bilinear
        return f(x, size, align_corners=align, half_pixel_centers=half)
    tag = f"{method}_{'x'.join(map(str, in_shape))}_{size[0]}x{size[1]}_{int(align)}{int(half)}"
    # fn's source is the same for every case: the name keys the cache
    return int8_fn_model(f"resize_{tag}", lambda x: fn(x), [in_shape])


SIZES = [
    ((1, 4, 5, 3), (8, 10)),     # 2x up
    ((1, 5, 7, 2), (8, 11)),     # uneven up
    ((1, 7, 9, 4), (3, 4)),      # down
    ((2, 3, 3, 5), (7, 2)),      # batch 2, up in one axis and down in the other
    ((1, 6, 4, 1), (1, 1)),      # one output pixel
]
FLAGS = [(False, False), (True, False), (False, True)]
OPCODE = {"nearest": "RESIZE_NEAREST_NEIGHBOR", "bilinear": "RESIZE_BILINEAR"}


@pytest.mark.parametrize("method", ["nearest", "bilinear"])
@pytest.mark.parametrize("align,half", FLAGS, ids=["plain", "align_corners", "half_pixel"])
@pytest.mark.parametrize("in_shape,size", SIZES, ids=[f"{'x'.join(map(str, s))}-{o[0]}x{o[1]}"
                                                      for s, o in SIZES])
def test_resize(method, align, half, in_shape, size):
    path = resize_model(method, in_shape, size, align, half)
    ops = [op for op in load_model(path).ops if op.opcode == OPCODE[method]]
    assert ops and bool(ops[0].options.get("align_corners")) == align
    assert bool(ops[0].options.get("half_pixel_centers")) == half
    assert sweep_mismatches(path, samples=6) == 0


def test_nearest_rounds_half_away_from_zero_in_float32():
    # align_corners, 3 -> 5: positions 0, 0.5, 1, 1.5, 2 round to 0, 1, 1, 2, 2 (std::round)
    assert [nearest_index(x, 3, 5, True, False) for x in range(5)] == [0, 1, 1, 2, 2]


def test_bilinear_half_pixel_weights_can_be_negative_as_tflm():
    lo, hi, frac = bilinear_axis(4, 8, False, True)
    assert lo[0] == 0 and hi[0] == 0 and frac[0] == -256


def test_bilinear_align_and_half_pixel_refused():
    path = edited(resize_model("bilinear", (1, 4, 5, 3), (8, 10), False, True), "both",
                  options={"alignCorners": True})
    with pytest.raises(TinycError, match=r"^op 0 RESIZE_BILINEAR: align_corners and "
                                         r"half_pixel_centers cannot both be set"):
        mismatches(path, samples=1)


# The fast loop runs each table once (its first case); the full suite runs them all.
pytestmark = pytest.mark.fast_first
