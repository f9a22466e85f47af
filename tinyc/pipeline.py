"""The compile pipeline as one list of named steps: load -> validate -> plan -> budget ->
generate -> build, each a call on the backend's interface (tinyc/backends) and each able to
dump its result (TINYC_DEBUG=plan,lower,…; see tinyc/debug.py).

`compile_model` is what `tinyc build` runs; `ensure_build` gives `run`/`verify`/`bench` an
up-to-date build from the cache (keyed by model hash, board, backend, options and tinyc's
own sources), so each of them works as a first command.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tinyc import __version__, cache
from tinyc.backends import BACKENDS, DEFAULT_BACKEND, Backend, Sources, get_backend
from tinyc.boards import Board
from tinyc.budget import Budget, check_fits, estimate, weight_bytes
from tinyc.build import outdir
from tinyc.cache import build_dir
from tinyc.debug import dump
from tinyc.errors import TinycError
from tinyc.frontend import load_model, read_model
from tinyc.ir import Graph
from tinyc.output import progress
from tinyc.provenance import Provenance

__all__ = ["BACKENDS", "Build", "compile_model", "ensure_build", "load_and_plan", "plan_model"]
MANIFEST = outdir.MANIFEST


@dataclass(frozen=True)
class PlanSummary:
    """What a cached build keeps of its plan: the code is generated, only the figures remain."""
    arena_bytes: int
    strategy: str
    lower_bound_bytes: int | None = None
    lower_bound_without_overlap_bytes: int | None = None


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
    model_ram_bytes: int | None = None     # arena + the model code's own .data/.bss
    harness_ram_bytes: int | None = None   # what the test harness, protocol and board add
    extra: dict = field(default_factory=dict)   # backend-specific (e.g. tflm_arena_bytes)
    patch: dict | None = None   # the stage run patch by patch (--patch), see patch_report

    @property
    def fits(self) -> bool:
        return self.ram_bytes <= self.board.ram_budget and self.flash_bytes <= self.board.flash_budget

    def to_json(self) -> dict:
        return {
            "project_dir": str(self.project_dir), "board": self.board.id, "backend": self.backend,
            "model": self.graph.path, "model_sha256": self.graph.sha256,
            "compiled": self.compiled, "elf": str(self.elf) if self.elf else None,
            "arena_bytes": self.plan.arena_bytes, "strategy": self.plan.strategy,
            "lower_bound_bytes": self.plan.lower_bound_bytes,
            "lower_bound_without_overlap_bytes": self.plan.lower_bound_without_overlap_bytes,
            "ram_bytes": self.ram_bytes, "model_ram_bytes": self.model_ram_bytes,
            "harness_ram_bytes": self.harness_ram_bytes,
            "flash_bytes": self.flash_bytes, "code_bytes": self.code_bytes,
            "weights_bytes": self.weights_bytes, "ram_budget": self.board.ram_budget,
            "flash_budget": self.board.flash_budget, "fits": self.fits, "sizes": self.sizes,
            "patch": self.patch, "tinyc_version": __version__, **self.extra,
        }


def plan_model(graph: Graph, board: Board, backend: str, strategy: str = "auto",
               kernels: str = "auto", optimize: str = "balanced"):
    """The plan `backend` would build with (for callers that hold a validated graph)."""
    return get_backend(backend).plan(graph, board, strategy, kernels=kernels, optimize=optimize)


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
        rep["patch"] = patch_report(g, self.plan)
        rep["tensors"] = [{**t, "bytes": t["size"]} for t in rep["tensors"]]
        rep.update(self.budget.to_json())
        # build --json's keys: without what is kept back, against the board's budget
        rep.update(ram_bytes=ram["total"] - ram["reserve"], ram_budget=board.ram_budget,
                   flash_bytes=flash["total"] - flash["reserve"], flash_budget=board.flash_budget)
        return rep


def patch_report(graph: Graph, plan) -> dict | None:
    """The `patch` object of --json: the stage the plan runs patch by patch, else None."""
    spec = getattr(getattr(getattr(plan, "rules", None), "target", None), "patch", None)
    if spec is None:
        return None
    from tinyc.backends.native.patch import report
    return report(graph, spec)


def options_with_defaults(options: dict | None) -> dict:
    """Options with their defaults filled in, so the same build has one cache key however it
    was asked for."""
    return {"kernels": "auto", **(options or {})}


def _step(name: str, fn, *args):
    result = fn(*args)
    dump(name, result)
    return result


def load_and_plan(model: str, board: Board, backend: str = DEFAULT_BACKEND,
                  strategy: str = "auto", time_limit_s: float = 10.0,
                  kernels: str = "auto", optimize: str = "balanced", say=None,
                  patch: str | None = None) -> Planned:
    """Steps load, validate, plan, budget: what `tinyc plan` shows is what `build` builds.
    patch: --patch's value (native backend; None: off unless the model does not fit)."""
    be = get_backend(backend)
    extra = {}
    if backend == "native":
        from tinyc.backends.native.patch_choice import parse
        extra["patch"] = parse(patch)
    elif patch not in (None, "off"):
        raise TinycError(f"--patch runs tinyc's own kernels patch by patch: use it with "
                         f"--backend native (not {backend})")
    graph = _step("load", read_model, model)
    graph = _step("validate", be.validate, graph)
    if say:   # after validation: a refused model ends in its one error line alone
        say(f"planning {Path(model).name} for {board.id} ({backend})…")
    plan = _step("plan", partial(be.plan, **extra), graph, board, strategy, time_limit_s,
                 kernels, optimize)
    budget = _step("budget", estimate, graph, plan, board, be.rules(board, kernels))
    return Planned(graph, be, plan, budget)


def compile_model(model: str, board: Board, backend: str = DEFAULT_BACKEND,
                  out_dir: Path | None = None, compile: bool = True, strategy: str = "auto",
                  options: dict | None = None, quiet: bool = False,
                  time_limit_s: float = 10.0) -> Build:
    """The steps load, validate, plan, budget, generate, build; TINYC_DEBUG=<step>,… dumps
    each one's result."""
    options = options_with_defaults(options)
    say = (lambda m: None) if quiet else progress
    get_backend(backend)   # an unknown backend is refused before the model is read
    p = load_and_plan(model, board, backend, strategy, time_limit_s,
                      options.get("kernels", "auto"), options.get("optimize", "balanced"), say,
                      options.get("patch"))
    try:
        check_fits(p.graph, p.plan, board, p.budget)   # TinycError(exit 1) saying what is over
    except TinycError as e:
        e.details = p.to_json(board)
        raise
    step = partial(_generate_and_build, p, board, strategy=strategy, compile=compile,
                   options=options, say=say)
    if out_dir:   # the user's folder: replaced only when tinyc wrote all of it
        out = Path(out_dir)
        build = _build_in_place(outdir.staged(outdir.check_target(out, model)), out, step)
    else:
        out = build_dir(p.graph.sha256, board.id, backend, {**options, "strategy": strategy})
        with cache.locked(out):
            build = _build_in_place(outdir.staged(out, replace_foreign=True), out, step)
    p.backend.check_built(build, compile)
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


def _generate_and_build(p: Planned, board: Board, out: Path, strategy: str, compile: bool,
                        options: dict, say) -> Build:
    provenance = Provenance.of(p.graph, board, p.backend.name, strategy, options)
    sources = _step("generate", p.backend.generate, p.graph, board, p.plan, out / "src",
                    options, provenance)
    return _step("build", build_project, p, board, sources, out, compile, options, say)


def build_project(p: Planned, board: Board, sources: Sources, out: Path, compile: bool,
                  options: dict, say) -> Build:
    """The project around the generated sources (CMake or PlatformIO), compiled when asked."""
    from tinyc.build.cmake import compile_project, write_project
    from tinyc.build.pio_build import build_platformio, wants_platformio
    build = Build(project_dir=out, board=board, backend=p.backend.name, graph=p.graph,
                  plan=p.plan, extra=dict(sources.facts),
                  # what the backend wrote to flash when it says (re-laid, sparse), else the model's
                  weights_bytes=sources.facts.get(f"{p.backend.name}_weights_bytes",
                                                  weight_bytes(p.graph)),
                  patch=patch_report(p.graph, p.plan))
    if wants_platformio(board, options):   # real boards, or --via platformio
        return _split_ram(build_platformio(build, sources.files, compile, say), sources)
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
    return _split_ram(build, sources)


def _split_ram(build: Build, sources: Sources) -> Build:
    """model_ram_bytes / harness_ram_bytes from the compiled objects (None when not compiled)."""
    if build.compiled and build.elf is not None and build.sizes:
        from tinyc.build.ram_split import split_ram
        build.model_ram_bytes, build.harness_ram_bytes = split_ram(
            build.project_dir, sources.files, build.ram_bytes, build.board.is_host)
    return build


def ensure_build(model: str, board: Board, backend: str = DEFAULT_BACKEND, strategy: str = "auto",
                 options: dict | None = None, quiet: bool = False) -> Build:
    """An up-to-date compiled build from the cache, building it when there is none."""
    graph = load_model(model, backend)
    options = options_with_defaults(options)
    out = build_dir(graph.sha256, board.id, backend, {**options, "strategy": strategy})
    with cache.locked(out):   # a concurrent run of the same build waits, then reuses it
        meta = cache.valid_manifest(out)
        if meta:
            plan = PlanSummary(meta["arena_bytes"], meta.get("strategy") or strategy,
                               meta.get("lower_bound_bytes"),
                               meta.get("lower_bound_without_overlap_bytes"))
            return Build(project_dir=out, board=board, backend=backend, graph=graph, plan=plan,
                         compiled=True, elf=Path(meta["elf"]), sizes=meta.get("sizes", {}),
                         ram_bytes=meta["ram_bytes"], flash_bytes=meta["flash_bytes"],
                         weights_bytes=meta.get("weights_bytes", 0),
                         code_bytes=meta.get("code_bytes", 0),
                         model_ram_bytes=meta.get("model_ram_bytes"),
                         harness_ram_bytes=meta.get("harness_ram_bytes"),
                         patch=meta.get("patch"),
                         extra={k: meta[k] for k in meta if k.startswith(backend + "_")})
        return compile_model(model, board, backend, strategy=strategy, options=options,
                             quiet=quiet)
