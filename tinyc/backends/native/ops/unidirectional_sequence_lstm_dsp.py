"""UNIDIRECTIONAL_SEQUENCE_LSTM int8 on cores with the DSP extension
(firmware/kernels/unidirectional_sequence_lstm_s8_dsp.h): the four gates of a unit as the four
rows of FULLY_CONNECTED's DSP block, so their weights are re-laid by the same function."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.access_order import rows_read_first_overlap, runs_backward
from tinyc.backends.native.lower import KernelCall, kernel_variant
from tinyc.backends.native.ops.fully_connected_dsp import GROUP, blocked_weights
from tinyc.backends.native.ops.unidirectional_sequence_lstm import (
    LstmNumbers, cell_params, rows_in_order, state_args)
from tinyc.backends.native.target import KernelChoice

OPCODE = "UNIDIRECTIONAL_SEQUENCE_LSTM"
# Instructions per MAC on mps2-an386 (for --optimize balanced), `verify --profile` of
# tflm_micro_speech_lstm (5.3 M MACs): 2.0 here, 5.5 for the portable kernel.
IPM_DSP = 2.0


def scratch_bytes(input_size: int, units: int) -> int:
    """tinyc_unidirectional_sequence_lstm_s8_dsp_scratch_size: the input row and the hidden
    state widened to int16, each padded to a multiple of 4."""
    return (-(-input_size // GROUP) + -(-units // GROUP)) * GROUP * 2


def choose(g, op, target):
    if not target.has("dsp"):
        return None
    input_size, units = g.tensors[op.inputs[0]].shape[-1], g.tensors[op.inputs[18]].shape[-1]
    rows = rows_in_order(g, op)    # each step widens its input row before it writes
    return KernelChoice("tinyc_unidirectional_sequence_lstm_s8_dsp",
                        ("unidirectional_sequence_lstm_s8_dsp.h",),
                        ("unidirectional_sequence_lstm_s8_dsp.c",),
                        scratch_bytes(input_size, units), "dsp",
                        overlap=None if rows is None
                        else rows_read_first_overlap(rows, input_size, units),
                        instructions_per_mac=IPM_DSP)


def unit_blocked(rows: list[np.ndarray]) -> np.ndarray:
    """The gates' [units, n] matrices -> row 4u + k is gate k of unit u, blocked as the DSP FC
    lays out four rows: [units][ceil(n / 4)][4 gates][4 int8]."""
    return blocked_weights(np.stack(rows, axis=1).reshape(-1, rows[0].shape[1]))


@kernel_variant(OPCODE, "dsp", choose, priority=10)
def emit_dsp(ctx, op, choice, nums: LstmNumbers) -> KernelCall:
    runs_backward(ctx, op, choice)           # refuses a plan beyond the contract
    gates, tag = nums.gates, f"op{op.index}"
    params = ctx.params(op, "tinyc_lstm_s8_dsp_params", {
        "dims": nums.dims,
        "input_weights": ctx.const(f"{tag}_input_weights_dsp",
                                   unit_blocked([gt.input_weights for gt in gates])),
        "recurrent_weights": ctx.const(f"{tag}_recurrent_weights_dsp",
                                       unit_blocked([gt.recurrent_weights for gt in gates])),
        "input_bias": ctx.const(f"{tag}_input_bias_dsp",
                                np.stack([gt.input_bias for gt in gates], axis=1)),
        "recurrent_bias": ctx.const(f"{tag}_recurrent_bias_dsp",
                                    np.stack([gt.recurrent_bias for gt in gates], axis=1)),
        "input_multiplier": [gt.input_quant[0] for gt in gates],
        "input_shift": [gt.input_quant[1] for gt in gates],
        "recurrent_multiplier": [gt.recurrent_quant[0] for gt in gates],
        "recurrent_shift": [gt.recurrent_quant[1] for gt in gates],
        "cell": cell_params(ctx, nums)})
    return KernelCall.of(choice, [params, ctx.scratch(op), *state_args(ctx, op)])
