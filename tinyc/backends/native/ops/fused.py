"""Fused activation clamps: the conv-like lowerings' name for `common.fused_range`, which
ends an activation with no integer range in one error naming the op."""
from __future__ import annotations

from tinyc.backends.native.ops.common import fused_range as act_range

__all__ = ["act_range"]
