"""The compile pipeline as one list of named steps: load -> validate -> plan -> budget ->
generate -> build, each a call on the backend's interface (tinyc/backends) and each able to
dump its result (TINYC_DEBUG=plan,lower,…; see tinyc/debug.py).

`compile_model` is what `tinyc build` runs; `ensure_build` gives `run`/`verify`/`bench` an
up-to-date build from the cache (keyed by model hash, board, backend, options and tinyc's
own sources), so each of them works as a first command.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tinyc import __version__
from tinyc.backends import BACKENDS, DEFAULT_BACKEND, Backend, Sources, get_backend
from tinyc.boards import Board
from tinyc.budget import Budget, check_fits, estimate, weight_bytes
from tinyc.cache import build_dir
from tinyc.debug import dump
from tinyc.errors import TinycError
from tinyc.frontend import load_model, read_model
from tinyc.ir import Graph
from tinyc.output import progress
from tinyc.provenance import Provenance

__all__ = ["BACKENDS", "Build", "compile_model", "ensure_build", "load_and_plan", "plan_model"]
MANIFEST = "tinyc.json"


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


def plan_model(graph: Graph, board: Board, backend: str, strategy: str = "auto",
               kernels: str = "auto"):
    """The plan `backend` would build with (for callers that hold a validated graph)."""
    return get_backend(backend).plan(graph, board, strategy, kernels=kernels)


@dataclass
class Planned:
    """The first steps' results, shared by `tinyc plan` and `tinyc build`."""
    graph: Graph
    backend: Backend
    plan: object
    budget: Budget

    def to_json(self, board: Board) -> dict:
        """`tinyc plan --json`'s document (and `build --json`'s when the model does not fit)."""
        g, ram, flash = self.graph, self.budget.ram, self.budget.flash
        rep = {"model": g.path, "sha256": g.sha256, "model_sha256": g.sha256, "board": board.id,
               "backend": self.backend.name}
        rep.update(self.plan.to_json())
        rep["tensors"] = [{**t, "bytes": t["size"]} for t in rep["tensors"]]
        rep.update(self.budget.to_json())
        # build --json's keys: without what is kept back, against the board's budget
        rep.update(ram_bytes=ram["total"] - ram["reserve"], ram_budget=board.ram_budget,
                   flash_bytes=flash["total"] - flash["reserve"], flash_budget=board.flash_budget)
        return rep


def _step(name: str, fn, *args):
    result = fn(*args)
    dump(name, result)
    return result


def load_and_plan(model: str, board: Board, backend: str = DEFAULT_BACKEND,
                  strategy: str = "auto", time_limit_s: float = 10.0,
                  kernels: str = "auto") -> Planned:
    """Steps load, validate, plan, budget: what `tinyc plan` shows is what `build` builds."""
    be = get_backend(backend)
    graph = _step("load", read_model, model)
    graph = _step("validate", be.validate, graph)
    plan = _step("plan", be.plan, graph, board, strategy, time_limit_s, kernels)
    budget = _step("budget", estimate, graph, plan, board, be.rules(board, kernels))
    return Planned(graph, be, plan, budget)


def _prepare_dir(out: Path) -> None:
    """Use `out` only if it is empty or an earlier tinyc build: never clobber a user's files."""
    if out.exists():
        if not out.is_dir():
            raise TinycError(f"{out} exists and is not a directory")
        if any(out.iterdir()) and not (out / MANIFEST).exists():
            raise TinycError(f"{out} is not empty and is not a tinyc build; choose an empty or "
                             "new directory with -o")
        shutil.rmtree(out)
    out.mkdir(parents=True)


def compile_model(model: str, board: Board, backend: str = DEFAULT_BACKEND,
                  out_dir: Path | None = None, compile: bool = True, strategy: str = "auto",
                  options: dict | None = None, quiet: bool = False,
                  time_limit_s: float = 10.0) -> Build:
    """The steps load, validate, plan, budget, generate, build; TINYC_DEBUG=<step>,… dumps
    each one's result."""
    options = dict(options or {})
    say = (lambda m: None) if quiet else progress
    get_backend(backend)   # an unknown backend is refused before the model is read
    say(f"planning {Path(model).name} for {board.id} ({backend})…")
    p = load_and_plan(model, board, backend, strategy, time_limit_s,
                      options.get("kernels", "auto"))
    try:
        check_fits(p.graph, p.plan, board, p.budget)   # TinycError(exit 1) saying what is over
    except TinycError as e:
        e.details = p.to_json(board)
        raise
    out = Path(out_dir) if out_dir else build_dir(p.graph.sha256, board.id, backend,
                                                  {**options, "strategy": strategy})
    _prepare_dir(out)
    try:
        provenance = Provenance.of(p.graph, board, backend, strategy, options)
        sources = _step("generate", p.backend.generate, p.graph, board, p.plan, out / "src",
                        options, provenance)
        build = _step("build", build_project, p, board, sources, out, compile, options, say)
        (out / MANIFEST).write_text(json.dumps(build.to_json(), indent=2))
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)   # nothing half-written left behind
        raise
    p.backend.check_built(build, compile)
    return build


def build_project(p: Planned, board: Board, sources: Sources, out: Path, compile: bool,
                  options: dict, say) -> Build:
    """The project around the generated sources (CMake or PlatformIO), compiled when asked."""
    from tinyc.build.cmake import compile_project, write_project
    from tinyc.build.pio_build import build_platformio, wants_platformio
    build = Build(project_dir=out, board=board, backend=p.backend.name, graph=p.graph,
                  plan=p.plan, weights_bytes=weight_bytes(p.graph), extra=dict(sources.facts))
    if wants_platformio(board, options):   # real boards, or --via platformio
        return build_platformio(build, sources.files, compile, say)
    write_project(out, board, sources.files)
    compile = p.backend.finish_project(out, sources, compile)
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
        build.ram_bytes = p.plan.arena_bytes
        build.flash_bytes = build.weights_bytes
    return build


def ensure_build(model: str, board: Board, backend: str = DEFAULT_BACKEND, strategy: str = "auto",
                 options: dict | None = None, quiet: bool = False) -> Build:
    """An up-to-date compiled build from the cache, building it when there is none."""
    graph = load_model(model, backend)
    options = dict(options or {})
    out = build_dir(graph.sha256, board.id, backend, {**options, "strategy": strategy})
    manifest = out / MANIFEST
    if manifest.exists():
        meta = json.loads(manifest.read_text())
        if meta.get("compiled") and meta.get("elf") and Path(meta["elf"]).exists():
            plan = PlanSummary(meta["arena_bytes"], meta.get("strategy") or strategy)
            return Build(project_dir=out, board=board, backend=backend, graph=graph, plan=plan,
                         compiled=True, elf=Path(meta["elf"]), sizes=meta.get("sizes", {}),
                         ram_bytes=meta["ram_bytes"], flash_bytes=meta["flash_bytes"],
                         weights_bytes=meta.get("weights_bytes", 0),
                         code_bytes=meta.get("code_bytes", 0),
                         extra={k: meta[k] for k in meta if k.startswith(backend + "_")})
    return compile_model(model, board, backend, out_dir=out, strategy=strategy, options=options,
                         quiet=quiet)
