"""Whole shared models, native backend on the host, bit-exact against TFLM with the plans the
planner makes (aliases and in-place ops included), under UBSan."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from bitexact import mismatches  # noqa: E402
from conftest import model  # noqa: E402

from tinyc.backends.native.rules import NATIVE_RULES  # noqa: E402
from tinyc.boards import get_board  # noqa: E402
from tinyc.frontend import load_model  # noqa: E402
from tinyc.planner import plan_memory  # noqa: E402

# model -> random input samples compared byte for byte
MODELS = {
    "ad01_int8": 20,
    "hello_world_int8": 20,
    "kws_ref_model": 20,
    "vww_96_int8": 20,
    "pretrainedResnet_quant": 20,
    "str_ww_ref_model": 20,
    "person_detect": 20,
    "micro_speech_quantized": 20,
    "keyword_scrambled_8bit": 20,   # SVDF: 20 invokes in a row, the state carried
    "mobilenet_v2_quantized_1x3x224x224": 4,   # 300 M MACs: a few samples
}


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.fast_first
def test_model_bit_exact(name):
    path = model(name)
    plan = plan_memory(load_model(path), get_board("host"), NATIVE_RULES)
    assert mismatches(path, samples=MODELS[name], seed=1, plan=plan) == 0
