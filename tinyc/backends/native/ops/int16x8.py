"""What TFLM's int16x8 kernels (16-bit activations, 8-bit weights) have in common: the type
and zero-point checks of their Prepare, the int64 bias, and the int16 activation clamp."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.quant import activation_range
from tinyc.backends.native.ops.common import scale, zp
from tinyc.errors import TinycError
from tinyc.ir import Op, Tensor

INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1


def check_weighted(op: Op, inp: Tensor, w: Tensor, out: Tensor) -> None:
    """int16 input and output with zero point 0, constant int8 weights with zero points 0."""
    if inp.dtype != "int16" or w.dtype != "int8" or out.dtype != "int16":
        raise TinycError(f"op {op.index} {op.opcode}: int16 activations need int8 weights and "
                         f"an int16 output (got {inp.dtype}/{w.dtype}/{out.dtype})")
    if not w.is_const:
        raise TinycError(f"op {op.index} {op.opcode}: the filter must be constant")
    if w.quant is None or inp.quant is None or out.quant is None:
        raise TinycError(f"op {op.index} {op.opcode}: input, filter and output must be quantized")
    check_zero_points(op, inp, out)
    if any(int(z) != 0 for z in w.quant.zero_point):
        raise TinycError(f"op {op.index} {op.opcode}: filter zero points must be 0")


def check_zero_points(op: Op, *tensors: Tensor) -> None:
    """TFLM's int16 kernels require symmetric quantization (zero point 0)."""
    for t in tensors:
        if t.quant is None or len(t.quant.scale) != 1:
            raise TinycError(f"op {op.index} {op.opcode}: int16 tensor '{t.name}' needs "
                             "per-tensor quantization")
        if zp(t) != 0:
            raise TinycError(f"op {op.index} {op.opcode}: int16 tensor '{t.name}' has zero "
                             f"point {zp(t)}; TFLM's int16 kernels need 0")


def bias64(g, op: Op, bias_index: int, channels: int) -> tuple[np.ndarray, bool]:
    """(the bias as int64, whether TFLM accumulates in int32): an int32 bias (or none, with
    quantized_bias_type int32) selects TFLM's int32 accumulator; int64 or none the 64-bit."""
    if len(op.inputs) > bias_index and op.inputs[bias_index] >= 0:
        bt = g.tensors[op.inputs[bias_index]]
        if bt.dtype not in ("int32", "int64") or not bt.is_const:
            raise TinycError(f"op {op.index} {op.opcode}: the bias must be a constant int32 or "
                             f"int64 tensor (got {bt.dtype})")
        b = np.asarray(bt.data, np.int64).reshape(-1)
        if len(b) != channels:
            raise TinycError(f"op {op.index} {op.opcode}: bias has {len(b)} values for "
                             f"{channels} output channels")
        return b, bt.dtype == "int32"
    acc32 = int(op.options.get("quantized_bias_type", 0) or 0) == 2   # TensorType INT32
    return np.zeros(channels, np.int64), acc32


def act_range16(op: Op, out: Tensor) -> tuple[int, int]:
    act = op.options.get("fused_activation", "NONE")
    try:
        return activation_range(act, scale(out), zp(out), INT16_MIN, INT16_MAX)
    except ValueError:
        raise TinycError(f"op {op.index} {op.opcode}: fused activation {act} is not supported "
                         "on int16 (only NONE, RELU, RELU6, RELU_N1_TO_1)") from None
