"""Fused activation clamps, with a clear error for activations that have no integer range."""
from __future__ import annotations

from tinyc.backends.native.ops.common import fused_range
from tinyc.errors import TinycError


def act_range(op, out) -> tuple[int, int]:
    try:
        return fused_range(op, out)
    except ValueError as e:
        raise TinycError(f"op {op.index} {op.opcode}: {e}") from None
