"""Options shared by several commands, so every command spells them the same way."""
from __future__ import annotations

import click

from tinyc.backends import BACKENDS, DEFAULT_BACKEND
from tinyc.planner import STRATEGIES

board_option = click.option("--board", "-b", default=None, metavar="BOARD",
                            help="Board id or alias (default mps2-an386; see `tinyc boards`).")
backend_option = click.option("--backend", type=click.Choice(BACKENDS), default=DEFAULT_BACKEND,
                              show_default=True, help="Code generator.")
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
strategy_option = click.option("--strategy", type=click.Choice(STRATEGIES), default="auto",
                               show_default=True,
                               help="Arena planning: greedy (TFLM's greedy-by-size), heuristic "
                                    "(best of several orders), optimal (CP-SAT), auto (best of "
                                    "all).")
port_option = click.option("--port", "ports", multiple=True, metavar="PORT",
                           help="Serial port of a real board (repeat for a fleet).")
model_argument = click.argument("model", type=click.Path(dir_okay=False))
kernels_option = click.option("--kernels", type=click.Choice(["auto", "portable"]), default="auto",
                              show_default=True,
                              help="Kernel set: auto = the fastest variants for the board "
                                   "(DSP on Cortex-M4/M7/M33), portable = the reference C kernels.")


def _at_least_one(ctx, param, value):
    if value is not None and value < 1:
        # TinycError, not click.BadParameter: one `error:` line, no usage block.
        from tinyc.errors import TinycError
        raise TinycError(f"--samples must be at least 1 (got {value}): a check of no inputs "
                         "proves nothing")
    return value


def samples_option(default: int, help: str):
    return click.option("--samples", "-n", default=default, show_default=True, type=int,
                        callback=_at_least_one, help=help)


def require_port(board, ports, command: str) -> None:
    """A real board is reached only through its serial port: ask for it before building."""
    if not ports and not (board.is_host or board.qemu):
        from tinyc.errors import TinycError
        raise TinycError(f"{board.id} is a real board: give its serial port, e.g. "
                         f"`tinyc {command} MODEL --board {board.id} --port /dev/ttyACM0` "
                         "(`tinyc devices` lists them)")


def build_options(kernels: str, optimize: str, patch: str | None = None) -> dict:
    """The options that key a build; the default --optimize and --patch stay out of the cache
    key."""
    return {"kernels": kernels, **({"optimize": optimize} if optimize != "balanced" else {}),
            **({"patch": patch} if patch is not None else {})}


def _patch_value(ctx, param, value):
    if value is not None:
        from tinyc.backends.native.patch_choice import parse
        parse(value)   # one `error:` line for a bad value, before anything is read
    return value


patch_option = click.option(
    "--patch", default=None, metavar="auto|off|N", callback=_patch_value,
    help="Run the first stage of a CNN (its early conv/depthwise/pool layers) in N x N spatial "
         "patches, so its big intermediate tensors are never stored whole (native backend). "
         "auto: the smallest N that fits the board, or the least RAM for at most 5 % more MACs. "
         "Default: off, unless the model does not fit the board's RAM (then auto is tried).")


optimize_option = click.option(
    "--optimize", type=click.Choice(["balanced", "speed", "ram"]), default="balanced",
    show_default=True,
    help="Kernel variants: speed = each op's fastest; ram = variants whose output may overlap "
         "their input wherever one exists; balanced = the least RAM for at most 5 % more "
         "instructions (estimated from MACs at plan time).")
