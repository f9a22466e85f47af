"""A plan with no reuse at all: every tensor keeps its own bytes, so after one invoke every
intermediate can still be read. Used by --debug-layers, never for a real build."""
from __future__ import annotations

from tinyc.ir import Graph
from tinyc.ops import VIEW_OPS


class NoReusePlan:
    strategy = "no-reuse (debug)"

    def __init__(self, graph: Graph, rules, alignment: int = 16):
        self.schedule = [op.index for op in graph.ops]
        self.rules = rules
        self._offsets: dict[int, int] = {}
        self._scratch: dict[int, tuple[int, int]] = {}
        pos = 0

        def place(size: int) -> int:
            nonlocal pos
            off = pos
            pos += -(-max(size, 1) // alignment) * alignment
            return off

        for t in graph.activations():
            self._offsets[t.id] = place(t.nbytes)
        for op in graph.ops:
            if op.opcode in VIEW_OPS and op.inputs and op.inputs[0] in self._offsets:
                self._offsets[op.outputs[0]] = self._offsets[op.inputs[0]]
            s = rules.scratch_bytes(graph, op)
            if s:
                self._scratch[op.index] = (place(s), s)
        self.arena_bytes = pos
        self.lower_bound_bytes = pos

    def offset(self, tid: int) -> int:
        return self._offsets[tid]

    def scratch(self, op_index: int):
        return self._scratch.get(op_index)
