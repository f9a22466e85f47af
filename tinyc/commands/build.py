"""`tinyc build MODEL --board B -o DIR`: generate the project and compile it."""
from __future__ import annotations

from pathlib import Path

import click

from tinyc.boards import get_board
from tinyc.commands.common import (backend_option, board_option, build_options, json_option,
                                   kernels_option, model_argument, optimize_option,
                                   patch_option, strategy_option)
from tinyc.errors import TinycError
from tinyc.output import emit_json, kib
from tinyc.pipeline import compile_model


@click.command("build")
@click.argument("model", type=click.Path())
@board_option
@backend_option
@click.option("-o", "--output", "out_dir", type=click.Path(), default=None,
              help="Project directory (default: tinyc's build cache).")
@click.option("--no-compile", is_flag=True, help="Write the sources only.")
@click.option("--via", type=click.Choice(["cmake", "platformio"]), default=None,
              help="Build system (default: CMake for host and emulated boards, PlatformIO for "
                   "real boards; `platformio` on an emulated board works offline).")
@click.option("--name", default=None, metavar="NAME",
              help="cubeai backend: the network name in the X-CUBE-AI API (default network).")
@click.option("--calibration", default=None, type=click.Path(exists=True),
              help="MODEL is a float model (.keras/.h5, SavedModel, float .tflite): quantize it "
                   "first with these samples (see `tinyc quantize`).")
@strategy_option
@kernels_option
@optimize_option
@patch_option
@json_option
def command(model, board, backend, out_dir, no_compile, via, name, calibration, strategy,
            kernels, optimize, patch, as_json):
    """Generate C for MODEL on BOARD and build it."""
    b = get_board(board)
    model = _int8_model(model, calibration)
    if via == "cmake" and not (b.is_host or b.emulated):
        raise TinycError(f"{b.id} is a real board: it is built with PlatformIO (drop --via)")
    options = {"via": "platformio"} if via == "platformio" and not b.is_host else {}
    if name:
        if backend != "cubeai":
            raise TinycError("--name names the X-CUBE-AI network: use it with --backend cubeai")
        options["name"] = name
    options.update(build_options(kernels, optimize, patch))
    build = compile_model(model, b, backend, Path(out_dir) if out_dir else None,
                          compile=not no_compile, strategy=strategy, options=options,
                          quiet=as_json)
    rep = build.to_json()
    if as_json:
        emit_json(rep)
        return
    click.echo(f"project  {build.project_dir}")
    if "platformio_ran" in rep:
        click.echo("pio run  " + ("done" if rep["platformio_ran"] else
                                  "not run: " + rep.get("platformio_note", "--no-compile")))
    if build.elf and build.sizes:
        s = build.sizes
        click.echo(f"program  {build.elf}  (.text {s['text']:,} B, .data {s['data']:,} B, "
                   f".bss {s['bss']:,} B)")
    click.echo(f"RAM      {kib(build.ram_bytes)} of {kib(b.ram_budget)} "
               f"(arena {kib(build.plan.arena_bytes)})")
    if build.model_ram_bytes is not None:
        click.echo(f"model    {kib(build.model_ram_bytes)} of it in the model's code (arena + "
                   f"state), {kib(build.harness_ram_bytes)} in the test harness")
    if build.patch:
        p = build.patch
        click.echo(f"patches  ops {', '.join(map(str, p['stage_ops']))} in {p['per_side']}x"
                   f"{p['per_side']} patches (the halo adds {p['extra_macs']:,} MACs, "
                   f"{p['extra_macs_pct']} % of the model's)")
    click.echo(f"flash    {kib(build.flash_bytes)} of {kib(b.flash_budget)} "
               f"(weights {kib(build.weights_bytes)})")
    click.echo("fits" if build.fits else "DOES NOT FIT")


def _int8_model(model: str, calibration) -> str:
    """MODEL itself, or the int8 model quantized from a float one."""
    p = Path(model)
    if calibration is None and not (p.is_dir() or p.suffix in (".keras", ".h5")):
        return model   # a .tflite, or something the frontend names the problem of
    if calibration is None:
        raise TinycError(f"{model} is a float model: pass --calibration DATA to quantize it "
                         "first (or quantize it with `tinyc quantize`)")
    from tinyc.quantizer import quantized_for_build
    return str(quantized_for_build(Path(model), calibration))
