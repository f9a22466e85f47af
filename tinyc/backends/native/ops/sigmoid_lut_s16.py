"""LOGISTIC and TANH int16 (TFLM's int16 reference: rescale, then its interpolated sigmoid
table; Prepare as TFLM's CalculateArithmeticOpData): firmware/kernels/sigmoid_lut_s16.c."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.cgen import CExpr
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale
from tinyc.backends.native.ops.int16x8 import check_zero_points
from tinyc.backends.native.ops.sigmoid_table import sigmoid_table_uint16
from tinyc.errors import TinycError

INPUT_INTEGER_BITS = 3
OUTPUT_FRACTIONAL_BITS = 15
# the power-of-two input scales TFLM takes without a multiplier (the left shift it computes)
_POT_SHIFTS = {"LOGISTIC": (0,), "TANH": (0, 1)}


def checked_log2(x: float) -> tuple[bool, int]:
    """TFLM's CheckedLog2, in float32 as it is: (x is a power of two, its rounded log2)."""
    x_log2 = np.float32(np.log(np.float32(x))) * np.float32(1.0 / np.log(np.float32(2.0)))
    rounded = np.float32(np.floor(abs(x_log2) + np.float32(0.5)) * np.sign(x_log2))
    return bool(abs(np.float32(x_log2 - rounded)) < np.float32(1e-3)), int(rounded)


def input_rescale(opcode: str, in_scale: float) -> tuple[int, int]:
    """(multiplier, right shift) taking the input to the table's scale, 1 / (3 * 4096)."""
    pot, log2 = checked_log2(in_scale)
    shift = (15 - INPUT_INTEGER_BITS) + log2
    if pot and shift in _POT_SHIFTS[opcode]:
        return 3 << shift, 0            # TFLM's input_multiplier == 0 case
    multiplier, shift = float(in_scale) * 4096.0 * 3.0, 0
    while multiplier <= 32767.0 / 2.0 and shift <= 30:
        shift += 1
        multiplier *= 2.0
    return int(multiplier), shift


def _inplace(graph, op) -> bool:
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    return not x.is_const and x.dtype == y.dtype == "int16"


def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    if inp.dtype != "int16":
        raise TinycError(f"op {op.index} {op.opcode}: {inp.dtype} -> int16 is not supported "
                         "(int16 -> int16 is)")
    check_zero_points(op, inp, out)
    pot, log2 = checked_log2(scale(out))
    if not pot or log2 != -OUTPUT_FRACTIONAL_BITS:
        raise TinycError(f"op {op.index} {op.opcode}: int16 output scale {scale(out)!r} must be "
                         "2^-15, as TFLM requires")
    mult, shift = input_rescale(op.opcode, scale(inp))
    if not 0 < mult <= 32767:
        raise TinycError(f"op {op.index} {op.opcode}: input scale {scale(inp)!r} is out of the "
                         "range TFLM's int16 kernel handles")
    params = ctx.params(op, "tinyc_sigmoid_lut_s16_params", {
        "size": out.elements, "input_multiplier": mult, "input_left_shift": shift})
    # flash constants are of the model's types: the uint16 table goes in as its int16 bits
    bits = ctx.const("sigmoid_table_uint16", sigmoid_table_uint16(),
                     key=("sigmoid_table_uint16",))   # one copy, shared with the LSTM
    table = CExpr(f"((const uint16_t *){bits})")
    func = "tinyc_logistic_s16" if op.opcode == "LOGISTIC" else "tinyc_tanh_s16"
    return KernelCall(func=func, args=[params, table, ctx.ptr(op.inputs[0]),
                                       ctx.ptr(op.outputs[0])],
                      headers=["sigmoid_lut_s16.h"], sources=["sigmoid_lut_s16.c"])


lowering("LOGISTIC", inplace=_inplace, dtype="int16")(lower)
lowering("TANH", inplace=_inplace, dtype="int16")(lower)
