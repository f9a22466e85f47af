"""FULLY_CONNECTED on cores with the DSP extension: four rows per pass, SMLAD on SXTB16 halves.

The weights are re-laid here, at compile time, in the order the kernel's inner loop reads them
(firmware/kernels/fully_connected_s8_dsp.h), so the loop reads one sequential stream."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from tinyc.backends.native.access_order import (rows_read_during_overlap,
                                                 rows_read_first_overlap, runs_backward,
                                                 widened_scratch_overlap)
from tinyc.backends.native.lower import KernelCall, kernel_variant
from tinyc.backends.native.ops.fully_connected import FullyConnectedNumbers, fully_connected_params
from tinyc.backends.native.ops.requant_table import r2_table
from tinyc.backends.native.target import KernelChoice

ROWS = 4      # output rows per pass
GROUP = 4     # int8 inputs per 32-bit word
# Instructions per MAC on mps2-an386 (for --optimize balanced), from `verify -n 1 --profile`
# over kws, vww, resnet and ad01: 0.41 M / 0.27 M MACs.
IPM_FC = 1.5
IPM_FC_DIRECT = 1.63     # the scratch-free twin: ad01 0.431 M (0.400 M with scratch)


def _ceil(n: int, m: int) -> int:
    return -(-n // m) * m


def scratch_bytes(in_features: int) -> int:
    """tinyc_fully_connected_s8_dsp_scratch_size: one widened input row, int16, padded to 4."""
    return _ceil(in_features, GROUP) * 2


def blocked_weights(weights: np.ndarray) -> np.ndarray:
    """int8 [out, in] -> [ceil4(out)/4, ceil4(in)/4, 4 rows, 4 inputs], zero-padded, flattened."""
    out_f, in_f = weights.shape
    padded = np.zeros((_ceil(out_f, ROWS), _ceil(in_f, GROUP)), np.int8)
    padded[:out_f, :in_f] = weights
    blocks = padded.reshape(-1, ROWS, padded.shape[1] // GROUP, GROUP)
    return np.ascontiguousarray(blocks.transpose(0, 2, 1, 3)).reshape(-1)


def choose(g, op, target):
    if not target.has("dsp"):
        return None
    w = g.tensors[op.inputs[1]]
    out_features, in_features = int(w.shape[0]), int(w.shape[-1])
    rows = int(np.prod(g.tensors[op.inputs[0]].shape)) // max(in_features, 1)
    # each input row is widened into scratch before its output row is written, in ascending
    # order, so the scratch may also lie over the input's low end
    return KernelChoice("tinyc_fully_connected_s8_dsp", ("fully_connected_s8_dsp.h",),
                        ("fully_connected_s8_dsp.c",),
                        scratch_bytes(in_features), "dsp",
                        overlap=rows_read_first_overlap(rows, in_features, out_features),
                        scratch_overlap=widened_scratch_overlap(rows, in_features),
                        instructions_per_mac=IPM_FC)


def choose_direct(g, op, target):
    """The same kernel without scratch (each block of four rows widens the input words it
    reads): for an op that asks for RAM. Every block reads all of its input row, so the output
    may only overlap earlier rows."""
    fast = choose(g, op, target)
    if fast is None:
        return None
    w = g.tensors[op.inputs[1]]
    out_features, in_features = int(w.shape[0]), int(w.shape[-1])
    rows = int(np.prod(g.tensors[op.inputs[0]].shape)) // max(in_features, 1)
    return replace(fast, func="tinyc_fully_connected_s8_dsp_direct", scratch_bytes=0,
                   variant="dsp-direct", scratch_overlap=None, ram_only=True,
                   overlap=rows_read_during_overlap(rows, in_features, out_features),
                   instructions_per_mac=IPM_FC_DIRECT)


@kernel_variant("FULLY_CONNECTED", "dsp-direct", choose_direct, priority=11)
@kernel_variant("FULLY_CONNECTED", "dsp", choose, priority=10)
def emit_dsp(ctx, op, choice, nums: FullyConnectedNumbers):
    runs_backward(ctx, op, choice)           # refuses a plan beyond the contract
    params = ctx.params(op, "tinyc_fully_connected_params", fully_connected_params(ctx, op, nums))
    rq = r2_table(nums.mult, nums.shift)
    call = KernelCall.of(choice, [params, ctx.scratch(op), ctx.ptr(op.inputs[0]),
                                  ctx.const(f"op{op.index}_weights_dsp",
                                            blocked_weights(nums.weights)),
                                  ctx.const(f"op{op.index}_bias", nums.bias),
                                  "NULL" if rq is None else rq_pointer(ctx, op, rq),
                                  ctx.ptr(op.outputs[0])])
    call.func = flavour(choice.func, rq, nums.act_min, nums.act_max)
    return call


def flavour(func: str, rq, act_min: int, act_max: int) -> str:
    """The kernel entry for what is known at compile time: the requantization table (one row
    per channel or one for all) and whether the activation range is all of int8."""
    if rq is None:
        return func
    return func + ("_rq1" if len(rq) == 1 else "_rq") + \
        ("_sat" if (act_min, act_max) == (-128, 127) else "")


def rq_pointer(ctx, op, rq) -> str:
    return f"(const tinyc_requant_r2 *)(const void *){ctx.const(f'op{op.index}_rq', rq)}"
