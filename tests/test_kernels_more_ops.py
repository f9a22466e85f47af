"""REVERSE_V2, BROADCAST_TO, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, CAST and more of TFLM's int8
ops: tinyc's native kernels against the TFLM interpreter, byte for byte, over every branch of
their parameters; and the models TFLM refuses, refused by tinyc too."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

import tflite_edit
from modelgen import CACHE, _tf, int8_fn_model
from test_kernels_elementwise import opcodes, sweep_mismatches
from tinyc.errors import TinycError
from tinyc.frontend import load_model, read_model
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
