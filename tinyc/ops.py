"""What tinyc knows about each TFLite op: the native backend's supported set and MAC counts.

This is the one list of supported ops; the native lowering table is tested against it.
"""
from __future__ import annotations

from tinyc.ir import Graph, Op

NATIVE_OPS = frozenset({
    "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D",
    "ADD", "SUB", "MUL", "SOFTMAX", "RESHAPE", "QUANTIZE", "DEQUANTIZE", "PAD", "MEAN",
    "CONCATENATION", "LOGISTIC", "TANH", "RELU", "RELU6", "LEAKY_RELU", "HARD_SWISH",
    "TRANSPOSE", "STRIDED_SLICE", "PADV2",
    "SHAPE", "PACK", "UNPACK", "FILL",          # folded at load time (tinyc/passes/fold_shapes.py)
    "RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR",
    "MAXIMUM", "MINIMUM", "ABS", "RSQRT",
    "SPLIT", "SPLIT_V",
    "PRELU",
    "SUM", "REDUCE_MAX", "REDUCE_MIN",
    "ARG_MAX", "ARG_MIN",
    "TRANSPOSE_CONV",
    "GATHER", "EXPAND_DIMS", "SQUEEZE",
    "SQUARED_DIFFERENCE", "L2_NORMALIZATION", "DIV",
    "BATCH_MATMUL", "LOG_SOFTMAX",
    "SLICE", "DEPTH_TO_SPACE", "SPACE_TO_DEPTH", "MIRROR_PAD",
})

# Ops whose output is only a reinterpretation of the input bytes: planned as aliases.
VIEW_OPS = frozenset({"RESHAPE", "SQUEEZE", "EXPAND_DIMS"})


def macs(graph: Graph, op: Op) -> int:
    """Multiply-accumulates of one op (0 for ops that do no multiplications worth counting)."""
    ins = graph.op_inputs(op)
    out = graph.op_outputs(op)[0] if op.outputs else None
    if out is None:
        return 0
    if op.opcode == "CONV_2D":
        w = ins[1]
        return out.elements * w.shape[1] * w.shape[2] * w.shape[3]
    if op.opcode == "DEPTHWISE_CONV_2D":
        w = ins[1]
        return out.elements * w.shape[1] * w.shape[2]
    if op.opcode == "FULLY_CONNECTED":
        return out.elements * ins[1].shape[-1]
    if op.opcode == "TRANSPOSE_CONV":
        w = ins[1]
        return ins[2].elements * w.shape[0] * w.shape[1] * w.shape[2]
    if op.opcode in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        return out.elements * op.options.get("filter_height", 1) * op.options.get("filter_width", 1)
    if op.opcode in ("ADD", "SUB", "MUL"):
        return out.elements
    return 0


def weight_bytes(graph: Graph, op: Op) -> int:
    return sum(t.nbytes for t in graph.op_inputs(op) if t is not None and t.is_const)
