"""What the native kernels tell the planner: scratch sizes and which ops may run in place.

The scratch is the one the kernel variant chosen for the target needs (the same `select` the
lowering asks), so the planner reserves exactly what the emitted call gets.
"""
from __future__ import annotations

from tinyc.backends.native.target import PORTABLE, Target
from tinyc.ir import Graph, Op


class NativeRules:
    def __init__(self, target: Target = PORTABLE):
        self.target = target

    def scratch_bytes(self, graph: Graph, op: Op) -> int:
        from tinyc.backends.native.lower import lowering_for
        low = lowering_for(graph, op)
        return low.scratch_bytes(graph, op, self.target) if low else 0

    def inplace(self, graph: Graph, op: Op) -> bool:
        from tinyc.backends.native.lower import lowering_for
        low = lowering_for(graph, op)
        return bool(low and low.inplace(graph, op))


NATIVE_RULES = NativeRules()   # portable kernels: the host, and the tests' default
