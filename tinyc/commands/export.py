"""`tinyc export MODEL[:NAME]... --board B -o DIR`: the models as a C library for your firmware."""
from __future__ import annotations

from pathlib import Path

import click

from tinyc.boards import get_board
from tinyc.commands.common import board_option, json_option, kernels_option, strategy_option
from tinyc.export import FORMATS, export, parse_spec
from tinyc.output import emit_json, kib


@click.command("export")
@click.argument("models", nargs=-1, required=True, metavar="MODEL[:NAME]...")
@board_option
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Library directory (new, empty, or an earlier export).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="c", show_default=True,
              help="c: flat sources; arduino: library.properties + src/ + examples/; "
                   "platformio: library.json + src/; cmake: CMakeLists.txt + src/.")
@click.option("--shared-arena", is_flag=True,
              help="One arena (tinyc_shared_arena) of the largest size for all models; "
                   "they run one at a time.")
@strategy_option
@kernels_option
@json_option
def command(models, board, out_dir, fmt, shared_arena, strategy, kernels, as_json):
    """Export MODELs as a C library: NAME.h/NAME.c per model (NAME_init, NAME_invoke,
    NAME_input, NAME_output, ...), the kernels once. NAME defaults to the file name."""
    b = get_board(board)
    rep = export([parse_spec(m) for m in models], b, Path(out_dir), fmt=fmt,
                 shared_arena=shared_arena, strategy=strategy, kernels=kernels, quiet=as_json)
    if as_json:
        emit_json(rep)
        return
    click.echo(f"library  {out_dir}  ({fmt}, {b.id}, {len(rep['files'])} files)")
    for m in rep["models"]:
        click.echo(f"model    {m['name']}: #include \"{m['header']}\", {m['name']}_invoke(); "
                   f"arena {kib(m['arena_bytes'])}, weights {kib(m['weights_bytes'])}")
    arena = f"arena    {kib(rep['arena_bytes'])} in all"
    if shared_arena:
        arena += f" (tinyc_shared_arena; {kib(rep['arena_bytes_saved'])} saved)"
    click.echo(arena)
