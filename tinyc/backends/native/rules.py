"""What the native kernels tell the planner: scratch sizes and which ops may run in place."""
from __future__ import annotations

from tinyc.ir import Graph, Op


class NativeRules:
    def _lowering(self, op: Op):
        import tinyc.backends.native.ops  # noqa: F401
        from tinyc.backends.native.lower import LOWERINGS
        return LOWERINGS.get(op.opcode)

    def scratch_bytes(self, graph: Graph, op: Op) -> int:
        low = self._lowering(op)
        return low.scratch_bytes(graph, op) if low else 0

    def inplace(self, graph: Graph, op: Op) -> bool:
        low = self._lowering(op)
        return bool(low and low.inplace(graph, op))


NATIVE_RULES = NativeRules()
