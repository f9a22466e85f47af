"""The tflm backend behind the Backend interface: a TFLM application with tinyc's plan."""
from __future__ import annotations

from pathlib import Path

from tinyc.backends import BackendBase, Sources
from tinyc.frontend.validate import check_float
from tinyc.ops import native_ops


class TflmBackend(BackendBase):
    name = "tflm"

    def supported_ops(self) -> frozenset[str]:
        from tinyc.backends.tflm.resolver import ADD_METHOD
        return frozenset(ADD_METHOD)

    def validate(self, graph):
        # TFLM itself refuses what it cannot run (at AllocateTensors); tinyc only insists on
        # int8 arithmetic where it knows the op computes.
        check_float(graph, native_ops())
        return graph

    def rules(self, board, kernels: str = "auto", optimize: str = "balanced"):
        from tinyc.backends.tflm import TflmRules
        return TflmRules()

    def plan(self, graph, board, strategy: str = "auto", time_limit_s: float = 10.0,
             kernels: str = "auto", optimize: str = "balanced"):
        from tinyc.backends.tflm import plan_for_tflm
        return plan_for_tflm(graph, board, strategy, time_limit_s)

    def generate(self, graph, board, plan, out: Path, options: dict, provenance) -> Sources:
        from tinyc.backends.tflm.codegen import generate
        res = generate(graph, board, plan, out, provenance=provenance)
        return Sources(generated=[Path(p) for p in res.pop("sources")], facts=res)

    def finish_project(self, out: Path, sources: Sources, compile: bool) -> bool:
        from tinyc.backends.tflm.project import finish_project
        return finish_project(out, sources.facts, compile)

    def check_built(self, build, compile: bool) -> None:
        if compile and not build.compiled:
            from tinyc.backends.tflm.project import missing_tflm_error
            raise missing_tflm_error(build.project_dir)   # the project is complete; TFLM is not
