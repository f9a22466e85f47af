"""Fused activation clamps, with a clear error for activations that have no integer range."""
from __future__ import annotations

from tinyc.backends.native.ops.common import fused_range
from tinyc.errors import TinycError


def act_range(op, out) -> tuple[int, int]:
    try:
        return fused_range(op, out)
    except ValueError:
        act = op.options.get("fused_activation")
        raise TinycError(f"op {op.index} {op.opcode}: fused activation {act} is not supported "
                         "on int8 (only NONE, RELU, RELU6, RELU_N1_TO_1)") from None
