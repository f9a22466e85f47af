"""`tinyc verify MODEL --board B`: every output byte on the board against the TFLM interpreter."""
from __future__ import annotations

import tempfile
from pathlib import Path

import click

from tinyc.boards import get_board
from tinyc.commands.common import (backend_option, board_option, build_options, json_option,
                                   kernels_option, model_argument, optimize_option,
                                   patch_option, port_option, require_port, samples_option,
                                   strategy_option)
from tinyc.model_io import read_input_files
from tinyc.output import emit_json, kib, table
from tinyc.pipeline import ensure_build
from tinyc.verify import first_mismatching_op, verify_build


@click.command("verify")
@model_argument
@board_option
@backend_option
@port_option
@samples_option(20, "Random inputs to compare.")
@click.option("--seed", default=0, show_default=True, help="Seed of the random inputs.")
@click.option("--input", "input_paths", multiple=True, type=click.Path(dir_okay=False),
              help="Your own inputs instead of random ones: .npy of shape [N, *input_shape]; "
                   "repeat for each input in the model's order, or one .npz keyed by input name.")
@click.option("--profile", is_flag=True, help="Per-op instruction/cycle counts.")
@click.option("--debug-layers", is_flag=True,
              help="On a mismatch, compare op by op and name the first op that differs.")
@strategy_option
@kernels_option
@optimize_option
@patch_option
@json_option
def command(model, board, backend, ports, samples, seed, input_paths, profile, debug_layers,
            strategy, kernels, optimize, patch, as_json):
    """Check that BOARD computes exactly what the TFLM interpreter computes."""
    b = get_board(board)
    require_port(b, ports, "verify")
    build = ensure_build(model, b, backend, strategy, build_options(kernels, optimize, patch))
    inputs = read_input_files(input_paths, build.graph) if input_paths else None
    reports = [verify_build(build, samples, seed, port=p, profile=profile, quiet=as_json,
                            inputs=inputs) for p in (ports or [None])]
    failed = [r for r in reports if not r["bit_exact"]]
    if failed and debug_layers:
        first = first_mismatching_op(model, backend, seed, Path(tempfile.mkdtemp(prefix="tinyc-debug-")))
        for r in failed:
            r["first_mismatch"] = first
    out = reports[0] if len(reports) == 1 else reports
    if as_json:
        emit_json(out)
    else:
        _print(reports)
    if failed:
        raise SystemExit(1)


def _print(reports):
    if len(reports) > 1:
        rows = [[r["port"], r["board"], r["samples"], r["mismatched_bytes"],
                 "yes" if r["bit_exact"] else "NO"] for r in reports]
        click.echo(table(["port", "board", "samples", "mismatched B", "bit-exact"], rows))
    for r in reports:
        where = f"{r['board']}" + (f" ({r['port']})" if r["port"] else "")
        if r["bit_exact"]:
            click.echo(f"bit-exact: {r['samples']} inputs on {where}, every output byte equal to TFLM")
        else:
            click.echo(f"MISMATCH on {where}: {r['mismatched_bytes']} bytes differ "
                       f"(max abs diff {r['max_abs_diff']:g}) over {r['samples']} inputs")
            fm = r.get("first_mismatch")
            if fm:
                click.echo(f"first differing op: {fm['op_index']} {fm['op']} (tensor "
                           f"'{fm['tensor']}', {fm['mismatched_bytes']} bytes, max abs diff "
                           f"{fm['max_abs_diff']:g})")
            elif "first_mismatch" in r:
                click.echo("op by op on the host every tensor matches: the difference comes from "
                           "the board's build (compiler or memory), not the kernels")
        n = r["instructions_per_inference"] or r["cycles_per_inference"]
        if n:
            click.echo(f"{n:,} {r['counter_unit']} per inference (median)")
        click.echo(f"RAM {kib(r['ram_bytes'])} (arena {kib(r['arena_bytes'])}), "
                   f"flash {kib(r['flash_bytes'])}")
        if r.get("tflm_arena_bytes") is not None:
            used = r.get("tflm_arena_used_bytes")
            click.echo(f"TFLM arena {r['tflm_arena_bytes']:,} B computed by tinyc; TFLM's "
                       f"arena_used_bytes() on the board: "
                       + (f"{used:,} B" if used is not None else "not reported"))
        if r.get("profile"):
            click.echo(profile_table(r["profile"]))


def profile_table(rows: list[dict]) -> str:
    """The per-op profile, most expensive first: share of the total and count per MAC."""
    key = next(k for k in rows[0] if k not in ("index", "op"))
    ordered = sorted(rows, key=lambda p: -p[key])
    return table(["#", "op", "kernel", key, "share", "MACs", "per MAC"],
                 [[p["index"], p["op"], p.get("variant") or "-", p[key],
                   f"{100 * p['share']:.1f}%", p["macs"],
                   "-" if p.get(f"{key}_per_mac") is None else f"{p[f'{key}_per_mac']:.2f}"]
                  for p in ordered], right={0, 3, 4, 5, 6})

