"""Helpers shared by the op lowerings."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.quant import activation_range, quantize_multipliers
from tinyc.errors import TinycError
from tinyc.ir import Graph, Op, Tensor


def zp(t: Tensor) -> int:
    return int(t.quant.zero_point[0]) if t.quant is not None else 0


def scale(t: Tensor) -> float:
    return float(t.quant.scale[0]) if t.quant is not None else 0.0


def fused_range(op: Op, out: Tensor) -> tuple[int, int]:
    """The output clamp of an op's fused activation, or one error naming the op."""
    act = op.options.get("fused_activation", "NONE")
    try:
        return activation_range(act, scale(out), zp(out))
    except ValueError:
        raise TinycError(f"op {op.index} {op.opcode}: fused activation {act} is not supported "
                         "on int8 (only NONE, RELU, RELU6, RELU_N1_TO_1)") from None


def channel_multipliers(inp: Tensor, w: Tensor, out: Tensor, channels: int):
    """Per-channel (or per-tensor) effective scale in double, as TFLM's
    PopulateConvolutionQuantizationParams: input_scale * filter_scale[c] / output_scale."""
    ws = np.asarray(w.quant.scale, np.float64)
    if len(ws) == 1:
        ws = np.repeat(ws, channels)
    eff = float(np.float32(inp.quant.scale[0])) * ws / float(np.float32(out.quant.scale[0]))
    return quantize_multipliers(eff)


def graph_of(ctx) -> Graph:
    return ctx.graph
