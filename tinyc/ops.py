"""What tinyc knows about each TFLite op: MAC counts, which ops are views, and the native
backend's supported set, which is its lowering registry (`LOWERINGS`) and nothing else.
"""
from __future__ import annotations

from tinyc.ir import Graph, Op



def native_ops() -> frozenset[str]:
    """The opcodes with a native lowering (importing the ops package registers them all), and
    the shape ops folded into constants and aliases before lowering."""
    import tinyc.backends.native.ops  # noqa: F401
    from tinyc.backends.native.lower import LOWERINGS
    from tinyc.passes.fold_shapes import FOLDED_OPS
    return frozenset(LOWERINGS) | FOLDED_OPS


def __getattr__(name: str):
    if name == "NATIVE_OPS":     # computed on first use: the lowerings import numpy and more
        return native_ops()
    raise AttributeError(name)

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
    if op.opcode == "SVDF":   # feature (input_size) and time (memory) MACs per filter
        return ins[0].shape[0] * ins[1].shape[0] * (ins[1].shape[1] + ins[2].shape[1])
    if op.opcode in ("ADD", "SUB", "MUL"):
        return out.elements
    if op.opcode == "ADD_N":
        return out.elements * len(op.inputs)
    if op.opcode == "UNIDIRECTIONAL_SEQUENCE_LSTM":   # 4 gates, each an input and a recurrent FC
        return out.elements * 4 * (ins[0].shape[-1] + out.shape[-1])
    return 0


def weight_bytes(graph: Graph, op: Op) -> int:
    return sum(t.nbytes for t in graph.op_inputs(op) if t is not None and t.is_const)
