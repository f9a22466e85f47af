"""What a backend tells the planner about its kernels: scratch sizes, in-place ops, overlaps.

A backend supplies any object with the methods of `DefaultRules` (duck-typed); the native
backend writes its own. These defaults ask for no scratch and let only the simplest ops run
in place: elementwise int8 -> int8 ops whose output has the input's size.
"""
from __future__ import annotations

from tinyc.ir import Graph, Op

INPLACE_ELEMENTWISE = frozenset({"RELU", "RELU6", "RELU_N1_TO_1", "LEAKY_RELU", "LOGISTIC",
                                 "TANH", "HARD_SWISH", "QUANTIZE"})


class DefaultRules:
    def scratch_bytes(self, graph: Graph, op: Op) -> int:
        """Bytes of scratch the kernel for `op` needs (like CMSIS-NN's *_get_buffer_size)."""
        return 0

    def inplace(self, graph: Graph, op: Op) -> bool:
        """True: the output may be written over input 0 when input 0 dies at this op."""
        if op.opcode not in INPLACE_ELEMENTWISE or not op.inputs or len(op.outputs) != 1:
            return False
        x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
        return x.dtype == y.dtype == "int8" and x.nbytes == y.nbytes

    def overlap(self, graph: Graph, op: Op) -> int | None:
        """The kernel's access-order contract: the output may start at most this many bytes
        above input 0's start (negative: below it) when input 0 dies at this op; None: the
        two never share a byte. Asked only of ops that do not run in place."""
        return None

    def scratch_overlap(self, graph: Graph, op: Op) -> int | None:
        """The same contract for the op's scratch: it may start at most this many bytes above
        input 0's start when input 0 dies at this op; None: the two never share a byte."""
        return None


DEFAULT_RULES = DefaultRules()
