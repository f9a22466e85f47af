"""The compile pipeline as one list of named steps: load -> plan -> budget -> generate -> build.

`compile_model` is what `tinyc build` runs; `ensure_build` gives `run`/`verify`/`bench` an
up-to-date build from the cache (keyed by model hash, board, backend, options and tinyc's
own sources), so each of them works as a first command.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tinyc import __version__, cache
from tinyc.boards import Board
from tinyc.build import outdir
from tinyc.cache import build_dir
from tinyc.errors import TinycError
from tinyc.frontend import load_model
from tinyc.ir import Graph
from tinyc.output import progress

BACKENDS = ("native", "tflm", "cubeai")
MANIFEST = outdir.MANIFEST


@dataclass(frozen=True)
class PlanSummary:
    """What a cached build keeps of its plan: the code is generated, only the figures remain."""
    arena_bytes: int
    strategy: str


@dataclass
class Build:
    project_dir: Path
    board: Board
    backend: str
    graph: Graph
    plan: object
    compiled: bool = False
    elf: Path | None = None
    sizes: dict = field(default_factory=dict)   # text/data/bss from the ELF
    ram_bytes: int = 0
    flash_bytes: int = 0
    weights_bytes: int = 0
    code_bytes: int = 0
    extra: dict = field(default_factory=dict)   # backend-specific (e.g. tflm_arena_bytes)

    @property
    def fits(self) -> bool:
        return self.ram_bytes <= self.board.ram_budget and self.flash_bytes <= self.board.flash_budget

    def to_json(self) -> dict:
        return {
            "project_dir": str(self.project_dir), "board": self.board.id, "backend": self.backend,
            "model": self.graph.path, "model_sha256": self.graph.sha256,
            "compiled": self.compiled, "elf": str(self.elf) if self.elf else None,
            "arena_bytes": self.plan.arena_bytes, "strategy": self.plan.strategy,
            "ram_bytes": self.ram_bytes,
            "flash_bytes": self.flash_bytes, "code_bytes": self.code_bytes,
            "weights_bytes": self.weights_bytes, "ram_budget": self.board.ram_budget,
            "flash_budget": self.board.flash_budget, "fits": self.fits, "sizes": self.sizes,
            "tinyc_version": __version__, **self.extra,
        }


def rules_for(backend: str):
    if backend in ("native", "cubeai"):
        from tinyc.backends.native.rules import NATIVE_RULES
        return NATIVE_RULES
    if backend == "tflm":
        from tinyc.backends.tflm import TflmRules
        return TflmRules()
    from tinyc.planner import DEFAULT_RULES
    return DEFAULT_RULES


def plan_model(graph: Graph, board: Board, backend: str, strategy: str = "auto"):
    from tinyc.planner import plan_memory
    if backend == "tflm":   # TFLM runs ops in model order, no in-place, its own scratch
        from tinyc.backends.tflm import plan_for_tflm
        return plan_for_tflm(graph, board)
    return plan_memory(graph, board, rules=rules_for(backend), strategy=strategy)


def compile_model(model: str, board: Board, backend: str = "native", out_dir: Path | None = None,
                  compile: bool = True, strategy: str = "auto", options: dict | None = None,
                  quiet: bool = False) -> Build:
    if backend not in BACKENDS:
        raise TinycError(f"unknown backend '{backend}'; choose one of {', '.join(BACKENDS)}")
    options = dict(options or {})
    say = (lambda m: None) if quiet else progress
    graph = load_model(model, backend="tflm" if backend == "tflm" else backend)
    say(f"planning {Path(model).name} for {board.id} ({backend})…")
    plan = plan_model(graph, board, backend, strategy)
    _check_budget(graph, board, plan, backend)
    step = partial(_generate_and_build, graph, board, plan, backend, compile=compile,
                   options=options, say=say)
    if out_dir:   # the user's folder: replaced only when tinyc wrote all of it
        out = Path(out_dir)
        build = _build_in_place(outdir.staged(outdir.check_target(out, model)), out, step)
    else:
        out = build_dir(graph.sha256, board.id, backend, {**options, "strategy": strategy})
        with cache.locked(out):
            build = _build_in_place(outdir.staged(out, replace_foreign=True), out, step)
    if backend == "tflm" and compile and not build.compiled:
        from tinyc.backends.tflm.project import missing_tflm_error
        raise missing_tflm_error(out)     # the project is complete; TFLM itself is missing
    return build


def _build_in_place(staging, out: Path, step) -> Build:
    """step(folder) builds in the staging folder; the build and its manifest then name the
    final place, and closing `staging` moves the folder there."""
    from tinyc.build.cmake import forget_configuration
    with staging as tmp:
        build = step(tmp)
        forget_configuration(tmp)
        final = Path(out).resolve()
        build.project_dir = out
        build.elf = outdir.rebase(build.elf, tmp, final)
        build.extra = {k: outdir.rebase(v, tmp, final) for k, v in build.extra.items()}
        outdir.write_manifest(tmp, build.to_json())
    return build


def _check_budget(graph, board, plan, backend) -> None:
    from tinyc.budget import check_fits, estimate  # raises TinycError(exit 1) with the details
    check_fits(graph, plan, board, estimate(graph, plan, board, rules_for(backend)))


def generate_sources(graph, board, plan, backend: str, src_dir: Path,
                     options: dict | None = None) -> tuple[list[Path], dict]:
    """The backend's generated files plus the firmware sources they call; and backend facts."""
    if backend == "native":
        from tinyc.backends.native.codegen import KERNELS_DIR, generate
        src = generate(graph, board, plan, src_dir)
        # Every kernel header: they include each other, and headers cost nothing unused.
        return src.generated + src.kernel_sources + sorted(KERNELS_DIR.glob("*.h")), {}
    if backend == "tflm":
        from tinyc.backends import tflm
        res = tflm.generate(graph, board, plan, src_dir)
        return [Path(p) for p in res["sources"]], {k: v for k, v in res.items() if k != "sources"}
    if backend == "cubeai":
        from tinyc.backends.cubeai.codegen import firmware_sources, generate as cubeai_generate
        name = (options or {}).get("name") or "network"
        src = cubeai_generate(graph, board, plan, src_dir, name=name)
        return firmware_sources(src), {"cubeai_api_name": name}
    raise TinycError(f"the {backend} backend is not available yet")


def _generate_and_build(graph, board, plan, backend, out, compile, options, say) -> Build:
    from tinyc.budget import weight_bytes
    from tinyc.build.cmake import compile_project, write_project
    sources, extra = generate_sources(graph, board, plan, backend, out / "src", options)
    build = Build(project_dir=out, board=board, backend=backend, graph=graph, plan=plan,
                  weights_bytes=weight_bytes(graph), extra=extra)
    from tinyc.build.pio_build import build_platformio, wants_platformio
    if wants_platformio(board, options):   # real boards, or --via platformio
        return build_platformio(build, sources, compile, say)
    write_project(out, board, sources)
    if backend == "tflm":   # TFLM's sources from TINYC_TFLM_DIR; compile only when it is set
        from tinyc.backends.tflm.project import finish_project
        compile = finish_project(out, extra, compile)
    if compile:
        say(f"compiling for {board.id}…")
        res = compile_project(out, board)
        build.compiled = True
        build.elf = res.elf
        build.sizes = {"text": res.text, "data": res.data, "bss": res.bss}
        build.ram_bytes = res.ram_bytes
        build.flash_bytes = res.flash_bytes
        build.code_bytes = max(res.flash_bytes - build.weights_bytes, 0)
    else:
        build.ram_bytes = plan.arena_bytes
        build.flash_bytes = build.weights_bytes
    return build


def ensure_build(model: str, board: Board, backend: str = "native", strategy: str = "auto",
                 options: dict | None = None) -> Build:
    """An up-to-date compiled build from the cache, building it when there is none."""
    graph = load_model(model, backend="tflm" if backend == "tflm" else backend)
    options = dict(options or {})
    out = build_dir(graph.sha256, board.id, backend, {**options, "strategy": strategy})
    with cache.locked(out):   # a concurrent run of the same build waits, then reuses it
        meta = cache.valid_manifest(out)
        if meta:
            plan = PlanSummary(meta["arena_bytes"], meta.get("strategy") or strategy)
            return Build(project_dir=out, board=board, backend=backend, graph=graph, plan=plan,
                         compiled=True, elf=Path(meta["elf"]), sizes=meta.get("sizes", {}),
                         ram_bytes=meta["ram_bytes"], flash_bytes=meta["flash_bytes"],
                         weights_bytes=meta.get("weights_bytes", 0),
                         code_bytes=meta.get("code_bytes", 0),
                         extra={k: meta[k] for k in meta if k.startswith(backend + "_")})
        return compile_model(model, board, backend, strategy=strategy, options=options)
