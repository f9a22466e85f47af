"""`tinyc export`: one or more models as a C library with a namespaced API per model.

    export(specs, board, out, fmt="c", shared_arena=False) -> dict (the manifest / --json)

Each model is planned and lowered exactly as `tinyc build` does it (the board decides the
kernels) and rendered into NAME.c/NAME.h by the native backend's codegen (the code `tinyc
build` links as model.c/model.h); the kernels it calls and tinyc_hooks.c are copied once
for all models; the format adds the library's metadata.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tinyc import __version__
from tinyc.boards import Board
from tinyc.build import outdir
from tinyc.errors import TinycError
from tinyc.export.api import ModelSpec, api_names, check_names, parse_spec
from tinyc.export.layout import FORMATS, write_layout
from tinyc.output import progress

__all__ = ["FORMATS", "ModelSpec", "export", "parse_spec"]


@dataclass
class _Planned:
    spec: ModelSpec
    graph: object
    plan: object
    budget: object


def export(specs: list[ModelSpec], board: Board, out: Path, fmt: str = "c",
           shared_arena: bool = False, strategy: str = "auto", kernels: str = "auto",
           quiet: bool = False) -> dict:
    if fmt not in FORMATS:
        raise TinycError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    from tinyc.backends.native.codegen import KERNELS_DIR, RUNTIME_DIR
    check_names(specs, {p.name for d in (KERNELS_DIR, RUNTIME_DIR) for p in d.iterdir()}
                | {"tinyc_shared_arena.c", "tinyc_shared_arena.h"})
    say = (lambda m: None) if quiet else progress
    planned = [_plan(s, board, strategy, kernels, say) for s in specs]
    _check_together(planned, board, shared_arena)

    # provenance in the generated files: file names and options, no paths (same bytes anywhere)
    from tinyc.provenance import export_command
    command = export_command([(s.path.name, s.name) for s in specs], board.id, strategy,
                             kernels, shared_arena)

    def fill(stage: Path) -> dict:
        return _write(planned, board, stage, fmt, shared_arena, command)

    target = out
    for s in specs:    # never the model's folder, the cwd, $HOME or a folder of the user's
        target = outdir.check_target(out, s.path)
    with outdir.staged(target) as stage:
        outdir.write_manifest(stage, fill(stage))
        manifest = json.loads((stage / outdir.MANIFEST).read_text())
    # --json lists the files by path (tinyc.json also keeps each one's size and SHA-256)
    return {"output_dir": str(out), **manifest, "files": [f["path"] for f in manifest["files"]]}


def _plan(spec: ModelSpec, board: Board, strategy: str, kernels: str, say) -> _Planned:
    """The steps load, validate, plan, budget, exactly as `tinyc build` runs them."""
    from tinyc.budget import check_fits
    from tinyc.pipeline import load_and_plan
    say(f"planning {spec.path.name} as {spec.name} for {board.id}…")
    from tinyc.backends.native.float_io import io_view
    p = load_and_plan(str(spec.path), board, "native", strategy, kernels=kernels)
    check_fits(p.graph, p.plan, board, p.budget)
    unsupported = io_view(p.graph, p.plan)["io_unsupported"]
    if unsupported:
        raise TinycError(unsupported[0])
    return _Planned(spec, p.graph, p.plan, p.budget)


def _arena_bytes(planned: list[_Planned], shared: bool) -> int:
    arenas = [p.plan.arena_bytes for p in planned]
    return max(arenas) if shared else sum(arenas)


def _check_together(planned: list[_Planned], board: Board, shared: bool) -> None:
    """Each model fits alone (checked by _plan); here: all of them in one image."""
    if len(planned) < 2:
        return
    if shared:
        for p in planned:   # state kept between invokes would be overwritten by the others
            state = [t.name for t in p.graph.activations() if t.is_variable]
            if state:
                raise TinycError(f"{p.spec.path.name} keeps state between invokes (variable "
                                 f"tensor '{state[0]}'): it cannot share its arena; drop "
                                 "--shared-arena")
    from tinyc.budget import kb
    ram = _arena_bytes(planned, shared) + sum(p.budget.ram["runtime"] for p in planned)
    flash = sum(p.budget.flash["weights"] + p.budget.flash["code"] for p in planned)
    ram_room, flash_room = board.ram_budget, board.flash_budget
    if ram > ram_room:
        hint = "" if shared else "; --shared-arena would need " + kb(
            _arena_bytes(planned, True) + sum(p.budget.ram["runtime"] for p in planned))
        raise TinycError(f"the {len(planned)} models need {kb(ram)} RAM together, {board.id} "
                         f"leaves {kb(ram_room)}{hint}", 1)
    if flash > flash_room:
        raise TinycError(f"the {len(planned)} models need {kb(flash)} flash together, "
                         f"{board.id} leaves {kb(flash_room)}", 1)


def _write(planned: list[_Planned], board: Board, stage: Path, fmt: str, shared: bool,
           command: str) -> dict:
    from tinyc.backends.native.codegen import generate
    from tinyc.provenance import Provenance

    def provenance(graph) -> Provenance:
        return Provenance(__version__, Path(graph.path).name, graph.sha256, board.id, command)
    src = stage if fmt == "c" else stage / "src"
    src.mkdir(parents=True, exist_ok=True)
    kernel_sources: list[Path] = []
    models = []
    for p in planned:
        name = p.spec.name
        res = generate(p.graph, board, p.plan, src, provenance=provenance(p.graph), name=name,
                       shared_arena=shared)
        kernel_sources += [k for k in res.kernel_sources if k not in kernel_sources]
        models.append({
            "name": name, "model": p.spec.path.name, "model_sha256": p.graph.sha256,
            "header": f"{name}.h", "arena_bytes": p.plan.arena_bytes,
            "strategy": getattr(p.plan, "strategy", "?"),
            "weights_bytes": p.budget.flash["weights"],
            "flash_bytes": p.budget.flash["weights"] + p.budget.flash["code"],
            "kernel_variants": res.variants,
            "api": api_names(name, len(p.graph.inputs), len(p.graph.outputs)),
        })
    arena_sum = _arena_bytes(planned, False)
    arena_max = _arena_bytes(planned, True)
    if shared:
        _write_shared_arena(src, board, [p.spec.name for p in planned], arena_max)
    kernels = _copy_kernels(kernel_sources, src)
    write_layout(fmt, stage, src, board, [m["name"] for m in models], _example(planned[0]))
    return {
        "tinyc_export": 1, "tinyc_version": __version__, "format": fmt, "board": board.id,
        "models": models, "kernels": kernels, "shared_arena": shared,
        "arena_bytes": arena_max if shared else arena_sum,
        "arena_bytes_saved": arena_sum - arena_max if shared else 0,
    }


def _example(p: _Planned) -> dict:
    t_in, t_out = p.graph.input_tensors()[0], p.graph.output_tensors()[0]
    zp = int(t_in.quant.zero_point[0]) if t_in.quant is not None and t_in.dtype == "int8" else 0
    return {"name": p.spec.name, "input0_zero_point": zp, "output0_elements": t_out.elements}


def _write_shared_arena(src: Path, board: Board, names: list[str], arena_bytes: int) -> None:
    from tinyc.backends.native.codegen import jinja_env
    env = jinja_env("export")
    view = {"version": __version__, "models": names, "arena_bytes": arena_bytes,
            "arena_alloc": max(arena_bytes, 1), "alignment": max(board.alignment, 4)}
    for f in ("tinyc_shared_arena.h", "tinyc_shared_arena.c"):
        (src / f).write_text(env.get_template(f + ".j2").render(**view))


def _copy_kernels(sources: list[Path], src: Path) -> list[str]:
    """The kernel .c files the models call, the hooks the generated code reports to
    (tinyc_hooks.c) and every header they reach, copied unchanged: two exports hold the same
    files, so one copy links."""
    import re
    import shutil
    from tinyc.backends.native.codegen import KERNELS_DIR, RUNTIME_DIR
    dirs = (KERNELS_DIR, RUNTIME_DIR)
    todo = [Path(s) for s in sources] + [KERNELS_DIR / "tinyc_kernel.h",
                                         RUNTIME_DIR / "tinyc_hooks.c"]
    todo += [Path(f) for f in src.glob("*.[ch]")]   # the generated files' includes
    done: set[str] = {f.name for f in src.glob("*.[ch]")}
    copied = []
    while todo:
        f = todo.pop()
        for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)"', f.read_text(), re.M):
            found = [d / inc for d in dirs if (d / inc).is_file()]
            if found and inc not in done:
                done.add(inc)
                todo.append(found[0])
        if f.parent in dirs and f.name not in copied:
            shutil.copyfile(f, src / f.name)
            copied.append(f.name)
    return sorted(copied)
