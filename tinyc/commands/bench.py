"""`tinyc bench MODEL...`: instructions, RAM and flash per model — the performance record."""
from __future__ import annotations

import click

from tinyc.boards import get_board
from tinyc.commands.common import (backend_option, board_option, json_option, kernels_option,
                                   samples_option, strategy_option)
from tinyc.output import emit_json, table
from tinyc.pipeline import ensure_build
from tinyc.verify import verify_build


@click.command("bench")
@click.argument("models", nargs=-1, required=True, type=click.Path(dir_okay=False))
@board_option
@backend_option
@samples_option(3, "Inputs per model (the count is the median; all are checked bit-exact).")
@strategy_option
@kernels_option
@json_option
def command(models, board, backend, samples, strategy, kernels, as_json):
    """Measure each MODEL on BOARD: deterministic counts, bytes from the ELF, bit-exactness."""
    b = get_board(board)
    rows = []
    for m in models:
        build = ensure_build(m, b, backend, strategy, {"kernels": kernels})
        r = verify_build(build, samples, seed=0, quiet=as_json)
        rows.append({
            "model": m, "model_sha256": build.graph.sha256, "board": b.id, "backend": backend,
            "instructions_per_inference": r["instructions_per_inference"],
            "cycles_per_inference": r["cycles_per_inference"],
            "ram_bytes": build.ram_bytes, "flash_bytes": build.flash_bytes,
            "code_bytes": build.code_bytes, "weights_bytes": build.weights_bytes,
            "arena_bytes": build.plan.arena_bytes, "bit_exact": r["bit_exact"],
        })
        if "tflm_arena_bytes" in r:
            rows[-1].update(tflm_arena_bytes=r["tflm_arena_bytes"],
                            tflm_arena_used_bytes=r["tflm_arena_used_bytes"])
    if as_json:
        emit_json(rows)
        return
    click.echo(table(
        ["model", "instructions", "RAM B", "flash B", "code B", "weights B", "bit-exact"],
        [[r["model"].rsplit("/", 1)[-1], r["instructions_per_inference"] or "-", r["ram_bytes"],
          r["flash_bytes"], r["code_bytes"], r["weights_bytes"],
          "yes" if r["bit_exact"] else "NO"] for r in rows], right={1, 2, 3, 4, 5}))
