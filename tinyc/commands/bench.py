"""`tinyc bench MODEL...`: instructions, RAM and flash per model — the performance record."""
from __future__ import annotations

import click

from tinyc.boards import get_board
from tinyc.commands.common import (backend_option, board_option, build_options, json_option,
                                   kernels_option, optimize_option, patch_option, port_option,
                                   require_port, samples_option, strategy_option)
from tinyc.errors import TinycError
from tinyc.output import emit_json, table
from tinyc.pipeline import ensure_build
from tinyc.verify import verify_build


@click.command("bench")
@click.argument("models", nargs=-1, required=True, type=click.Path(dir_okay=False))
@board_option
@backend_option
@port_option
@samples_option(3, "Inputs per model (the count is the median; all are checked bit-exact).")
@strategy_option
@kernels_option
@optimize_option
@patch_option
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False),
              help="Also write the results as Markdown (e.g. benchmarks/RESULTS.md), with the "
                   "top ops of each model's profile.")
@click.option("--reference", "reference_path", type=click.Path(exists=True, dir_okay=False),
              help="TOML of reference instruction counts per model (e.g. "
                   "benchmarks/tflm_cmsis_nn.toml): adds their figure and the ratio.")
@json_option
def command(models, board, backend, ports, samples, strategy, kernels, optimize, patch,
            markdown_path, reference_path, as_json):
    """Measure each MODEL on BOARD: deterministic counts, bytes from the ELF, bit-exactness."""
    from tinyc.backends.tflm.arena import tflm_own_arena_bytes
    from tinyc.bench_report import load_reference, top_ops
    from tinyc.frontend import read_model
    from tinyc.ops import macs
    b = get_board(board)
    require_port(b, ports, "bench")
    if len(ports) > 1:
        raise TinycError("bench measures on one board: give one --port")
    port = ports[0] if ports else None
    reference = load_reference(reference_path) if reference_path else None
    rows = []
    for m in models:
        build = ensure_build(m, b, backend, strategy, build_options(kernels, optimize, patch))
        r = verify_build(build, samples, seed=0, port=port, quiet=as_json,
                         profile=bool(markdown_path))
        rows.append({
            "model": m, "model_sha256": build.graph.sha256, "board": b.id, "backend": backend,
            "instructions_per_inference": r["instructions_per_inference"],
            "cycles_per_inference": r["cycles_per_inference"],
            "ram_bytes": build.ram_bytes, "model_ram_bytes": build.model_ram_bytes,
            "harness_ram_bytes": build.harness_ram_bytes, "flash_bytes": build.flash_bytes,
            "code_bytes": build.code_bytes, "weights_bytes": build.weights_bytes,
            "arena_bytes": build.plan.arena_bytes, "bit_exact": r["bit_exact"],
            "patch": build.patch, "optimize": optimize,
            "lower_bound_bytes": build.plan.lower_bound_bytes,
            "lower_bound_without_overlap_bytes": build.plan.lower_bound_without_overlap_bytes,
            "tflm_own_arena_bytes": tflm_own_arena_bytes(read_model(m), b.pointer_bytes),
            "macs": sum(macs(build.graph, op) for op in build.graph.ops),
        })
        if r.get("profile"):
            key = "instructions" if r["instructions_per_inference"] else "cycles"
            rows[-1]["top_ops"] = top_ops(r["profile"], key)
        if "tflm_arena_bytes" in r:
            rows[-1].update(tflm_arena_bytes=r["tflm_arena_bytes"],
                            tflm_arena_used_bytes=r["tflm_arena_used_bytes"])
    if markdown_path:
        _write_markdown(markdown_path, rows, b, reference)
    if as_json:
        emit_json(rows)
        return
    click.echo(table(
        ["model", "instructions", "RAM B", "flash B", "code B", "weights B", "bit-exact"],
        [[r["model"].rsplit("/", 1)[-1], r["instructions_per_inference"] or "-", r["ram_bytes"],
          r["flash_bytes"], r["code_bytes"], r["weights_bytes"],
          "yes" if r["bit_exact"] else "NO"] for r in rows], right={1, 2, 3, 4, 5}))


def _write_markdown(path, rows, board, reference) -> None:
    import shlex
    import sys
    from pathlib import Path

    from tinyc.bench_report import markdown
    from tinyc.build.cmake import compiler_flags, compiler_version
    from tinyc.models_dir import REPO
    args = [a if not Path(a).is_absolute() else str(_relative(Path(a), REPO))
            for a in sys.argv[1:]]
    text = markdown(rows, board, "tinyc " + shlex.join(args), compiler_version(board),
                    compiler_flags(board), reference)
    Path(path).write_text(text)


def _relative(p, base):
    import os
    return os.path.relpath(p, base)

