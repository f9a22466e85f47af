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
        spec = self.target.patch
        if spec is not None and op.index == spec.ops[-1]:
            from tinyc.backends.native.patch_lower import stage_scratch_bytes
            return stage_scratch_bytes(graph, spec, self.target)
        low = lowering_for(graph, op)
        self.fusions(graph)
        if op.index in self._pair_scratch:
            return self._pair_scratch[op.index]
        return low.scratch_bytes(graph, op, self.target) if low else 0

    def fusions(self, graph: Graph) -> dict[int, int]:
        """{producer op: consumer op} run as one kernel; the producer's output is not stored."""
        from tinyc.backends.native.fusion import fusable_pairs, pair_scratch_bytes
        if getattr(self, "_fused_graph", None) is not graph:
            pairs = fusable_pairs(graph, self.target)
            stage = set(self.target.patch.ops) if self.target.patch else set()
            self._fused_graph = graph
            self._fused = {j: k for j, k in pairs.items() if not {j, k} & stage}
            # the fused kernel's scratch, asked of the consumer (the planner asks per op)
            self._pair_scratch = {k: pair_scratch_bytes(graph, j, k, self.target)
                                  for j, k in self._fused.items()}
        return self._fused

    def overlap_input(self, graph: Graph, op: Op) -> int:
        """The input an op's output may overlap: input 0, or a patched stage's input for the
        stage's last op (the op every patch runs in)."""
        spec = self.target.patch
        if spec is not None and op.index == spec.ops[-1]:
            return graph.ops[spec.ops[0]].inputs[0]
        return op.inputs[0]

    def absorbed(self, graph: Graph) -> dict[int, int]:
        """{op: the op it runs inside}: a patched stage's ops run, patch by patch, in its last
        op (patch.py); their outputs are never stored whole."""
        spec = self.target.patch
        return {k: spec.ops[-1] for k in spec.ops[:-1]} if spec else {}

    def inplace(self, graph: Graph, op: Op) -> bool:
        from tinyc.backends.native.lower import lowering_for
        low = lowering_for(graph, op)
        return bool(low and low.inplace(graph, op))

    def overlap(self, graph: Graph, op: Op) -> int | None:
        """The chosen kernel's access-order contract (KernelChoice.overlap), None: no overlap."""
        from tinyc.backends.native.lower import lowering_for
        spec = self.target.patch
        if spec is not None and op.index == spec.ops[-1]:
            from tinyc.backends.native.patch import stage_overlap
            return stage_overlap(graph, spec)
        low = lowering_for(graph, op)
        return low.overlap(graph, op, self.target) if low else None

    def overlap_above(self, graph: Graph, op: Op) -> int | None:
        """The other side of the contract: the output may start this many bytes or more above
        the input (the kernel's backward twin runs then), None: not at all."""
        from tinyc.backends.native.lower import lowering_for
        if self.target.patch is not None and op.index == self.target.patch.ops[-1]:
            return None
        low = lowering_for(graph, op)
        return low.overlap_above(graph, op, self.target) if low else None

    def scratch_overlap(self, graph: Graph, op: Op) -> int | None:
        """How far the chosen kernel's scratch may overlap its dying input 0
        (KernelChoice.scratch_overlap), None: not at all. A fused pair's ring never does."""
        from tinyc.backends.native.lower import lowering_for
        if op.index in self.fusions(graph).values():
            return None
        low = lowering_for(graph, op)
        return low.scratch_overlap(graph, op, self.target) if low else None

    def model_state_bytes(self, graph: Graph) -> int:
        """RAM the model's code keeps besides the arena: none, every table is `static const`
        in flash and scratch is planned in the arena (tests/test_ram_accounting.py checks
        this against the linked objects)."""
        return 0


NATIVE_RULES = NativeRules()   # portable kernels: the host, and the tests' default
