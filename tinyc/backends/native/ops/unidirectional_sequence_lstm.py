"""UNIDIRECTIONAL_SEQUENCE_LSTM as TFLM's integer LSTM, int8 activations (int32 biases) or
int16 activations (int64 biases), int8 weights, int16 cell state (its Prepare is
lstm_eval_common.cc: PrepareGateParametersInteger, CreateLstmCellStateInfo): every gate's FC
multipliers, the three gate-product multipliers, the cell state's power of two, the clip and
the folded biases, computed here (firmware/kernels/unidirectional_sequence_lstm_s8.c, _s16.c).

Only what TFLM's kernel takes: the standard Keras LSTM (no CIFG, peephole, projection or layer
norm), per-tensor int8 weights, hidden and cell states as variable tensors, an int16 cell
state, the tanh cell activation."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from tinyc.backends.native.access_order import rows_read_during_overlap, runs_backward
from tinyc.backends.native.lower import (KernelCall, kernel_variant, lowering,
                                         lowering_with_variants)
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import f32
from tinyc.backends.native.ops.sigmoid_table import sigmoid_table_uint16
from tinyc.backends.native.quant import quantize_multiplier
from tinyc.backends.native.target import portable
from tinyc.errors import TinycError

INPUT, HIDDEN, CELL = 0, 18, 19
GATES = ("input", "forget", "cell", "output")   # TFLM's order (lstm_shared.h)
INPUT_WEIGHTS, RECURRENT_WEIGHTS, BIASES = (1, 2, 3, 4), (5, 6, 7, 8), (12, 13, 14, 15)
VARIANT_INPUTS = {"peephole": (9, 10, 11), "projection": (16, 17),
                  "layer normalization": (20, 21, 22, 23)}
GATE_SCALE = 2.0 ** -12         # the FCs' output: Q3.12
GATE_OUT_SCALE = 2.0 ** -15     # sigmoid/tanh output: Q0.15
GATE_TABLE_INPUT = (3, 0)       # Q3.12 -> the table's input (TFLM: power-of-two case, shift 0)
# by activation type: the kernel and the bias type (EvalLstm's BiasType)
KERNELS = {"int8": ("unidirectional_sequence_lstm_s8", "tinyc_lstm_s8_params"),
           "int16": ("unidirectional_sequence_lstm_s16", "tinyc_lstm_s16_params")}
BIAS_TYPES = {"int8": np.int32, "int16": np.int64}


def _fail(op, what: str) -> TinycError:
    return TinycError(f"op {op.index} UNIDIRECTIONAL_SEQUENCE_LSTM: {what}")


def _tensor(g, op, k):
    return g.tensors[op.inputs[k]] if len(op.inputs) > k and op.inputs[k] >= 0 else None


def _check(g, op, activations: str) -> None:
    """What TFLM's LstmTensors::ValidateTensorStatus and the Eval's type switch refuse."""
    for variant, ks in VARIANT_INPUTS.items():
        if any(_tensor(g, op, k) is not None for k in ks):
            raise _fail(op, f"the {variant} LSTM variant is not supported (TFLM runs only the "
                            "standard LSTM, as Keras makes it)")
    inp, out = g.tensors[op.inputs[INPUT]], g.tensors[op.outputs[0]]
    hidden, cell = _tensor(g, op, HIDDEN), _tensor(g, op, CELL)
    if inp.dtype != activations or out.dtype != activations or hidden.dtype != activations:
        raise _fail(op, f"input, output and hidden state must have one type, int8 or int16 "
                        f"(got {inp.dtype}, {out.dtype}, {hidden.dtype})")
    if cell.dtype != "int16":
        raise _fail(op, f"the cell state is {cell.dtype}; TFLM's quantized LSTM needs int16")
    for t, what in ((hidden, "hidden state"), (cell, "cell state")):
        if not t.is_variable or t.is_const:
            raise _fail(op, f"the {what} '{t.name}' must be a variable tensor, as TFLM requires")
    for t in (inp, hidden, cell):
        if t.quant is None or len(t.quant.scale) != 1:
            raise _fail(op, f"tensor '{t.name}' must be quantized per tensor")
    if zp(cell) != 0:
        raise _fail(op, f"the cell state has zero point {zp(cell)}; TFLM's LSTM needs 0")
    for k in INPUT_WEIGHTS + RECURRENT_WEIGHTS:
        w = _tensor(g, op, k)
        if w is None:
            raise _fail(op, f"input {k} (gate weights) is missing: the CIFG variant (no input "
                            "gate) is not supported, TFLM needs all eight weight tensors")
        if w.dtype != "int8" or not w.is_const or w.quant is None:
            raise _fail(op, f"weights '{w.name}' must be constant quantized int8 (got {w.dtype})")
        if len(w.quant.scale) != 1:
            raise _fail(op, f"weights '{w.name}' are quantized per channel; TFLM's LSTM applies "
                            "one multiplier per gate (per-tensor weights)")
        if zp(w) != 0:
            raise _fail(op, f"weights '{w.name}' have zero point {zp(w)}; int8 weights are "
                            "symmetric (zero point 0)")
    bias_type = np.dtype(BIAS_TYPES[activations]).name
    for k in BIASES:
        b = _tensor(g, op, k)
        if b is None or b.dtype != bias_type or not b.is_const:
            raise _fail(op, f"input {k} (gate bias) must be a constant {bias_type} tensor with "
                            f"{activations} activations")
    act = op.options.get("fused_activation", "TANH")
    if act != "TANH":   # TFLM has tanh and sigmoid, and the schema cannot express sigmoid
        raise _fail(op, f"cell activation {act} is not supported: TFLM's LSTM applies TANH")


def cell_scale_power(cell_scale: float) -> int:
    """TFLM's CheckedLog2 in float (its result is used even when the scale is no power of
    two): round(log(x) * (1 / log(2)))."""
    x = np.float32(np.log(np.float32(cell_scale))) * np.float32(
        np.float32(1.0) / np.float32(np.log(np.float32(2.0))))
    x = float(np.float32(x))
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def cell_tanh_rescale(op, power: int) -> tuple[int, int]:
    """TFLM's lstm_internal::Tanh input rescale for a cell state in 2^power steps, resolved:
    (multiplier, right shift) with x * multiplier rounded right by the shift."""
    left = 15 + power - 3
    if left < -31:    # TFLM's rounding term 1 << (shift - 1) overflows int32
        raise _fail(op, f"the cell state's scale 2^{power} is too fine for TFLM's int16 tanh")
    if left < 0:
        return 3, -left
    if left > 14:     # int16 * (3 << left) overflows int32 in TFLM
        raise _fail(op, f"the cell state's scale 2^{power} is too coarse for TFLM's int16 tanh")
    return 3 << left, 0


def quantized_cell_clip(cell_clip: float, cell_scale: float) -> int:
    """CreateLstmCellStateInfo: the clip in cell-state steps (truncated), -1: no clipping."""
    if not cell_clip > 0:
        return -1
    return int(min(max(float(cell_clip) / float(cell_scale), -32768.0), 32767.0))


def _multiplier(op, real: float) -> tuple[int, int]:
    from tinyc.backends.native.quant import ScaleError
    try:
        return quantize_multiplier(real)
    except ScaleError as e:
        raise _fail(op, str(e)) from None


@dataclass
class LstmGate:
    """One gate's two FCs, zero points folded into the biases."""
    input_weights: np.ndarray        # int8 [units, input_size]
    recurrent_weights: np.ndarray    # int8 [units, units]
    input_bias: np.ndarray           # [units] bias - input zero point * row sums
    recurrent_bias: np.ndarray       # [units] - hidden zero point * row sums
    input_quant: tuple[int, int]     # (multiplier, shift) to Q3.12
    recurrent_quant: tuple[int, int]


@dataclass
class LstmNumbers:
    """The LSTM's Prepare, shared by every kernel variant."""
    activations: str
    dims: dict                       # tinyc_lstm_dims
    gates: list[LstmGate]            # TFLM's order: input, forget, cell, output
    cell: dict                       # tinyc_lstm_cell_params but the table


def _gate(g, op, k: int, x, h, bias_dtype) -> LstmGate:
    """CreateGateParams: float scale product, ratio in double, bias nullptr."""
    wi, wr = g.tensors[op.inputs[INPUT_WEIGHTS[k]]], g.tensors[op.inputs[RECURRENT_WEIGHTS[k]]]
    bias = np.asarray(g.tensors[op.inputs[BIASES[k]]].data, np.int64).reshape(-1)
    wi_data = np.asarray(wi.data, np.int8).reshape(wi.shape)
    wr_data = np.asarray(wr.data, np.int8).reshape(wr.shape)
    in_bias = bias - zp(x) * wi_data.astype(np.int64).sum(axis=1)
    rec_bias = -zp(h) * wr_data.astype(np.int64).sum(axis=1)
    limit = 1 << (8 * np.dtype(bias_dtype).itemsize - 1)
    for b in (in_bias, rec_bias):
        if b.min() < -limit or b.max() >= limit:
            raise _fail(op, f"the {GATES[k]} gate's bias overflows {np.dtype(bias_dtype).name} "
                            "with the zero point folded in")
    return LstmGate(wi_data, wr_data, in_bias.astype(bias_dtype), rec_bias.astype(bias_dtype),
                    _multiplier(op, f32(f32(scale(x)) * f32(scale(wi))) / GATE_SCALE),
                    _multiplier(op, f32(f32(scale(h)) * f32(scale(wr))) / GATE_SCALE))


def _mul(op, s1: float, s2: float, out: float) -> tuple[int, int]:
    """CreateInterGateMulParams: the product of two scales over the output's, in double."""
    return _multiplier(op, float(np.float32(s1)) * float(np.float32(s2)) / float(np.float32(out)))


def _dims(op, x, hidden) -> dict:
    time_major = bool(op.options.get("time_major", False))
    d0, d1, input_size = x.shape
    batches, steps = (d1, d0) if time_major else (d0, d1)
    return {"batches": batches, "time_steps": steps, "input_size": input_size,
            "units": hidden.shape[-1], "time_major": int(time_major)}


def _cell(op, cell, hidden) -> dict:
    """The gate products' multipliers (PrepareGateParametersInteger), the cell state's tanh
    rescale and clip (CreateLstmCellStateInfo)."""
    cs = f32(scale(cell))
    tanh_m, tanh_s = cell_tanh_rescale(op, cell_scale_power(cs))
    fm, fs = _mul(op, GATE_OUT_SCALE, cs, cs)
    im, is_ = _mul(op, GATE_OUT_SCALE, GATE_OUT_SCALE, cs)
    hm, hs = _mul(op, GATE_OUT_SCALE, GATE_OUT_SCALE, scale(hidden))
    return {"gate_multiplier": GATE_TABLE_INPUT[0], "gate_shift": GATE_TABLE_INPUT[1],
            "cell_tanh_multiplier": tanh_m, "cell_tanh_shift": tanh_s,
            "forget_multiplier": fm, "forget_shift": fs,
            "input_multiplier": im, "input_shift": is_,
            "hidden_multiplier": hm, "hidden_shift": hs,
            "hidden_zero_point": zp(hidden),
            "cell_clip": quantized_cell_clip(op.options.get("cell_clip", 0.0), cs)}


def prepare(g, op, activations: str = "int8") -> LstmNumbers:
    _check(g, op, activations)
    x, hidden, cell = (g.tensors[op.inputs[k]] for k in (INPUT, HIDDEN, CELL))
    return LstmNumbers(activations, _dims(op, x, hidden),
                       [_gate(g, op, k, x, hidden, BIAS_TYPES[activations]) for k in range(4)],
                       _cell(op, cell, hidden))


def cell_params(ctx, nums: LstmNumbers) -> dict:
    """tinyc_lstm_cell_params, the sigmoid table shared by every LSTM of the model."""
    return {**nums.cell, "sigmoid_table": ctx.const("sigmoid_table_uint16",
                                                    sigmoid_table_uint16(),
                                                    key=("sigmoid_table_uint16",))}


def state_args(ctx, op) -> list:
    """The kernels' tensor arguments after the params (and scratch): input, hidden state, cell
    state, output."""
    return [ctx.ptr(op.inputs[INPUT]), ctx.ptr(op.inputs[HIDDEN]), ctx.ptr(op.inputs[CELL]),
            ctx.ptr(op.outputs[0])]


def emit_reference(ctx, op, choice, nums: LstmNumbers) -> KernelCall:
    """The portable kernels: the gates as TFLM lays them out, one FC pair each."""
    def gate(k, gt: LstmGate) -> dict:
        name = f"op{op.index}_{GATES[k]}"
        return {"input_weights": ctx.ptr(op.inputs[INPUT_WEIGHTS[k]]),
                "recurrent_weights": ctx.ptr(op.inputs[RECURRENT_WEIGHTS[k]]),
                "input_bias": ctx.const(f"{name}_input_bias", gt.input_bias),
                "recurrent_bias": ctx.const(f"{name}_recurrent_bias", gt.recurrent_bias),
                "input_multiplier": gt.input_quant[0], "input_shift": gt.input_quant[1],
                "recurrent_multiplier": gt.recurrent_quant[0],
                "recurrent_shift": gt.recurrent_quant[1]}
    kernel, params_type = KERNELS[nums.activations]
    params = ctx.params(op, params_type, {
        "dims": nums.dims, "gate": [gate(k, gt) for k, gt in enumerate(nums.gates)],
        "cell": cell_params(ctx, nums)})
    runs_backward(ctx, op, choice)           # refuses a plan beyond the contract
    return KernelCall.of(choice, [params, *state_args(ctx, op)])


# measured on mps2-an386 (tflm_micro_speech_lstm, `verify --profile`), for --optimize balanced
IPM_PORTABLE = 5.5


def rows_in_order(g, op) -> int | None:
    """The input/output rows (batch x time), when the kernels run them in memory order (not
    time-major with several batches), else None."""
    x = g.tensors[op.inputs[INPUT]]
    if op.options.get("time_major") and x.shape[1] > 1:
        return None
    return x.shape[0] * x.shape[1]


def _choose_s8(g, op, target):
    rows = rows_in_order(g, op)
    input_size = g.tensors[op.inputs[INPUT]].shape[-1]
    units = g.tensors[op.inputs[HIDDEN]].shape[-1]
    return replace(portable("tinyc_unidirectional_sequence_lstm_s8", KERNELS["int8"][0],
                            overlap=None if rows is None
                            else rows_read_during_overlap(rows, input_size, units, block=1)),
                   instructions_per_mac=IPM_PORTABLE)


select = lowering_with_variants("UNIDIRECTIONAL_SEQUENCE_LSTM", prepare)
kernel_variant("UNIDIRECTIONAL_SEQUENCE_LSTM", "portable", _choose_s8)(emit_reference)


def _choose_s16(g, op, target):
    return portable("tinyc_unidirectional_sequence_lstm_s16", KERNELS["int16"][0])


@lowering("UNIDIRECTIONAL_SEQUENCE_LSTM", select=_choose_s16, dtype="int16")
def lower_s16(ctx, op):
    return emit_reference(ctx, op, ctx.choice(op), prepare(ctx.graph, op, "int16"))
