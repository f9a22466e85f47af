"""`tinyc plan MODEL --board B`: the static arena plan and the RAM/flash budget on a board."""
from __future__ import annotations

from pathlib import Path

import click

from tinyc.backends import DEFAULT_BACKEND
from tinyc.boards import DEFAULT_BOARD, get_board
from tinyc.budget import check_fits, kb, peak_summary
from tinyc.commands.common import (backend_option, json_option, kernels_option,
                                   optimize_option, patch_option, strategy_option)
from tinyc.errors import TinycError
from tinyc.output import emit_json, table
from tinyc.pipeline import load_and_plan, patch_report


def plan_report(model: str, board_name: str | None, strategy: str = "auto",
                time_limit_s: float = 10.0, backend: str = DEFAULT_BACKEND, kernels: str = "auto",
                optimize: str = "balanced", patch: str | None = None):
    """The plan `tinyc build` would build with (the same pipeline steps) and its budget."""
    board = get_board(board_name)
    p = load_and_plan(model, board, backend, strategy, time_limit_s, kernels, optimize,
                      patch=patch)
    return p.graph, board, p.plan, p.budget, {**p.to_json(board), "model": str(model),
                                              "optimize": optimize}


@click.command("plan")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--board", "-b", "board_name", default=DEFAULT_BOARD, show_default=True,
              help="Board id or alias (see `tinyc boards`).")
@backend_option
@strategy_option
@kernels_option
@optimize_option
@patch_option
@click.option("--time-limit", type=float, default=10.0, show_default=True,
              help="Seconds for the exact solver.")
@json_option
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False),
              help="Write a picture of the arena over time.")
def command(model, board_name, backend, strategy, kernels, optimize, patch, time_limit,
            as_json, svg_path):
    """Plan every tensor's place in one static arena and check RAM/flash on the board."""
    graph, board, plan, budget, rep = plan_report(model, board_name, strategy, time_limit,
                                                  backend, kernels, optimize, patch)
    if svg_path:
        from tinyc.planner.svg import render
        try:
            Path(svg_path).write_text(render(plan, graph, f"{Path(model).name} on {board.id}"))
        except OSError as e:
            raise TinycError(f"cannot write {svg_path}: {e.strerror}") from None
    if as_json:
        try:
            check_fits(graph, plan, board, budget)
        except TinycError as e:   # one document: the plan, with the error beside it
            e.details = rep
            raise
        emit_json(rep)
        return
    _print(graph, board, plan, budget)
    check_fits(graph, plan, board, budget)


def _print(graph, board, plan, budget):
    rows = []
    for e in sorted(plan.buffers, key=lambda e: (e["first_op"], e["offset"])):
        alias = "" if e["alias_of"] is None else f"= {e['alias_of']}"
        rows.append([str(e["id"]), e["name"][:40], e["size"], e["offset"],
                     f"{e['first_op']}..{e['last_op']}", alias])
    click.echo(table(["id", "tensor", "bytes", "offset", "steps", "alias of"], rows,
                     right={2, 3}))
    reordered = plan.schedule != list(range(len(graph.ops)))
    opt = "optimal" if plan.optimal else f"lower bound {plan.lower_bound_bytes:,} B"
    click.echo(f"\narena {plan.arena_bytes:,} B ({kb(plan.arena_bytes)}), {opt}; "
               f"strategy {plan.strategy}{'; ops reordered' if reordered else ''}")
    click.echo(peak_summary(graph, plan))
    shared = [o for o in plan.overlaps if o["overlap_bytes"] > 0]
    if shared:
        click.echo(f"{len(shared)} ops write their output or scratch over their dying input "
                   f"({sum(o['overlap_bytes'] for o in shared):,} B shared); without that the "
                   f"bound is {plan.lower_bound_without_overlap_bytes:,} B")
    if rep_patch := patch_report(graph, plan):
        click.echo(f"patches: ops {', '.join(map(str, rep_patch['stage_ops']))} run in "
                   f"{rep_patch['per_side']}x{rep_patch['per_side']} patches (buffers "
                   f"{' + '.join(f'{b:,}' for b in rep_patch['buffer_bytes'])} B; the halo costs "
                   f"{rep_patch['extra_macs']:,} more MACs, {rep_patch['extra_macs_pct']} % of the "
                   "model's)")
    if plan.fused:
        click.echo("row-streamed, the 1x1 output never stored: ops "
                   + ", ".join(f"{j}+{k}" for j, k in sorted(plan.fused.items())))
    r, f = budget.ram, budget.flash
    click.echo(f"RAM   {kb(r['total']):>10} of {kb(r['budget'])}: arena {kb(r['arena'])} + "
               f"runtime {kb(r['runtime'])} + kept back {kb(r['reserve'])} (estimate)")
    click.echo(f"flash {kb(f['total']):>10} of {kb(f['budget'])}: weights {kb(f['weights'])} + "
               f"code {kb(f['code'])} + kept back {kb(f['reserve'])} (estimate)")
    click.echo(f"model RAM {kb(budget.model_ram_bytes)}: arena + the model code's own state, "
               "what your firmware pays (`tinyc build` reads the same from the objects)")
    if budget.fits:
        click.echo(f"fits {board.id}")
