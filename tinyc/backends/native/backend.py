"""The native backend behind the Backend interface: tinyc's own kernels, no interpreter."""
from __future__ import annotations

from pathlib import Path

from tinyc.backends import BackendBase, Sources
from tinyc.frontend.validate import validate
from tinyc.ops import native_ops


def with_kernel_headers(kernel_sources: list[Path]) -> list[Path]:
    """The kernel .c files a model calls and every kernel header: they include each other,
    and headers cost nothing unused."""
    from tinyc.backends.native.codegen import KERNELS_DIR
    return kernel_sources + sorted(KERNELS_DIR.glob("*.h"))


class NativeBackend(BackendBase):
    name = "native"

    def supported_ops(self) -> frozenset[str]:
        return native_ops()

    def validate(self, graph):
        """Shape ops folded first (SHAPE → constant, PACK of one tensor → alias, …), then the
        graph checked against what the lowerings support."""
        from tinyc.passes.fold_shapes import fold_shapes
        graph = validate(fold_shapes(graph), self.supported_ops(), self.name)
        self.check_lowerable(graph)
        return graph

    def check_lowerable(self, graph) -> None:
        """Every op lowered once on a throwaway plan, so a parameter or type pair a kernel
        refuses stops validation: `inspect` and `plan` give the build's answer."""
        from tinyc.backends.native.debug_plan import NoReusePlan
        from tinyc.backends.native.lower import LowerCtx, lower_op
        from tinyc.boards import get_board
        board = get_board("host")
        ctx = LowerCtx(graph, NoReusePlan(graph, self.rules(board, "portable")), board)
        for op in graph.ops:
            lower_op(ctx, op)

    def rules(self, board, kernels: str = "auto", optimize: str = "balanced"):
        from tinyc.backends.native.rules import NativeRules
        from tinyc.backends.native.target import Target
        return NativeRules(Target(board, kernels, optimize=optimize))

    def plan(self, graph, board, strategy: str = "auto", time_limit_s: float = 10.0,
             kernels: str = "auto", optimize: str = "balanced", patch=None):
        """patch: None (off unless the model does not fit), "off", "auto" or N
        (patch_choice.py); the stage it picks is the plan's rules.target.patch."""
        from dataclasses import replace

        from tinyc.backends.native.balance import balanced_plan
        from tinyc.backends.native.rules import NativeRules
        from tinyc.planner import plan_memory

        def plan_with(target, trial=False):
            quick = "greedy" if strategy == "greedy" else "heuristic"

            def plan(t):
                return plan_memory(graph, board, rules=NativeRules(t),
                                   strategy=quick if trial else strategy,
                                   time_limit_s=time_limit_s)
            fused = plan(target)
            if not fused.fused:
                return fused
            apart = plan(replace(target, fuse=False))   # fusion must earn its place
            return apart if apart.arena_bytes < fused.arena_bytes else fused

        def full(target):
            if optimize != "balanced":
                return plan_with(target)
            return balanced_plan(graph, target, plan_with)

        target = self.rules(board, kernels, optimize).target
        plain = None
        if patch in (None, "off"):
            plain = full(target)
            if patch == "off" or self._fits(graph, board, plain):
                return plain
            patch = "auto"   # does not fit: patches are tried before refusing
        from tinyc.backends.native import patch_choice
        if patch == "auto":
            plain = plain or full(target)
        tried: dict = {}
        spec = patch_choice.choose(
            graph, patch, target, plain,
            lambda spec: plan_with(patch_choice.with_patch(target, spec), True),
            lambda n: self._fits(graph, board, replace(plain, arena_bytes=n)), tried=tried)
        if spec is None:
            plain.patches_tried = tried or None
            return plain
        patched = full(patch_choice.with_patch(target, spec))
        if patch == "auto" and patched.arena_bytes >= plain.arena_bytes \
                and not (self._fits(graph, board, patched) and not self._fits(graph, board, plain)):
            return plain
        return patched

    def _fits(self, graph, board, plan) -> bool:
        from tinyc.budget import estimate
        return estimate(graph, plan, board, plan.rules).fits_ram

    def generate(self, graph, board, plan, out: Path, options: dict, provenance) -> Sources:
        from tinyc.backends.native.codegen import generate_firmware
        src = generate_firmware(graph, board, plan, out, provenance=provenance)
        return Sources(generated=src.generated, firmware=with_kernel_headers(src.kernel_sources),
                       facts={"native_kernel_variants": src.variants,
                              "native_weights_bytes": src.weights_bytes})

    def debug_layers_plan(self, graph, board):
        from tinyc.backends.native.debug_plan import NoReusePlan
        return NoReusePlan(graph, self.rules(board))
