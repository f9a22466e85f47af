"""What the native kernels tell the planner: scratch sizes, which ops may run in place and how
far an output may overlap its dying input.

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
        self.fusions(graph)
        if op.index in self._pair_scratch:
            return self._pair_scratch[op.index]
        return low.scratch_bytes(graph, op, self.target) if low else 0

    def fusions(self, graph: Graph) -> dict[int, int]:
        """{producer op: consumer op} run as one kernel; the producer's output is not stored."""
        from tinyc.backends.native.fusion import fusable_pairs, pair_scratch_bytes
        if getattr(self, "_fused_graph", None) is not graph:
            self._fused_graph, self._fused = graph, fusable_pairs(graph, self.target)
            # the fused kernel's scratch, asked of the consumer (the planner asks per op)
            self._pair_scratch = {k: pair_scratch_bytes(graph, j, k, self.target)
                                  for j, k in self._fused.items()}
        return self._fused

    def inplace(self, graph: Graph, op: Op) -> bool:
        from tinyc.backends.native.lower import lowering_for
        low = lowering_for(graph, op)
        return bool(low and low.inplace(graph, op))

    def overlap(self, graph: Graph, op: Op) -> int | None:
        """The chosen kernel's access-order contract (KernelChoice.overlap), None: no overlap."""
        from tinyc.backends.native.lower import lowering_for
        low = lowering_for(graph, op)
        return low.overlap(graph, op, self.target) if low else None

    def overlap_above(self, graph: Graph, op: Op) -> int | None:
        """The other side of the contract: the output may start this many bytes or more above
        the input (the kernel's backward twin runs then), None: not at all."""
        from tinyc.backends.native.lower import lowering_for
        low = lowering_for(graph, op)
        return low.overlap_above(graph, op, self.target) if low else None

    def model_state_bytes(self, graph: Graph) -> int:
        """RAM the model's code keeps besides the arena: none, every table is `static const`
        in flash and scratch is planned in the arena (tests/test_ram_accounting.py checks
        this against the linked objects)."""
        return 0


NATIVE_RULES = NativeRules()   # portable kernels: the host, and the tests' default
