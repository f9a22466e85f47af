"""`tinyc flash [MODEL] --board B [--port P]`: `pio run -t upload` on the board's project.

The project is the one built for MODEL (built now if needed), the one given with
--project, or else the newest PlatformIO build for the board in tinyc's cache. On an
emulated board "flashing" runs the program in QEMU with its UART on a loopback port
(socket://127.0.0.1:4321 unless --port says otherwise) until --seconds have passed.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from tinyc.boards import get_board
from tinyc.cache import cache_root
from tinyc.commands.common import backend_option, board_option, json_option
from tinyc.errors import TinycError
from tinyc.output import emit_json, progress

INI = "platformio.ini"


def newest_project(board_id: str) -> Path | None:
    best = None
    for meta in (cache_root() / "builds").glob(f"{board_id}-*/tinyc.json"):
        if (meta.parent / INI).is_file():
            try:
                ok = json.loads(meta.read_text()).get("board") == board_id
            except (OSError, ValueError):
                continue
            if ok and (best is None or meta.stat().st_mtime > best.stat().st_mtime):
                best = meta
    return best.parent if best else None


def find_project(model, board, backend, project) -> Path:
    if project:
        out = Path(project)
    elif model:
        from tinyc.pipeline import ensure_build
        options = {"via": "platformio"} if board.emulated else {}
        out = ensure_build(model, board, backend, options=options).project_dir
    else:
        out = newest_project(board.id)
        if out is None:
            raise TinycError(f"no PlatformIO build for {board.id} yet: `tinyc flash MODEL "
                             f"--board {board.id}` builds and flashes it")
    if not (out / INI).is_file():
        raise TinycError(f"{out} has no {INI}: build it with `tinyc build MODEL --board "
                         f"{board.id}{' --via platformio' if board.emulated else ''}`")
    return out


@click.command("flash")
@click.argument("model", required=False, type=click.Path(dir_okay=False))
@board_option
@backend_option
@click.option("--port", default=None, metavar="PORT",
              help="Upload port (default: PlatformIO finds the board).")
@click.option("--project", "-d", default=None, type=click.Path(file_okay=False),
              help="A tinyc PlatformIO project directory to flash.")
@click.option("--seconds", default=600, show_default=True,
              help="Emulated boards: how long QEMU serves the program.")
@json_option
def command(model, board, backend, port, project, seconds, as_json):
    """Put the built program on BOARD with `pio run -t upload`."""
    from tinyc.build.platformio import pio_status, run_pio, uses_local_platform
    b = get_board(board)
    if b.is_host:
        raise TinycError("the host board needs no flashing: `tinyc run` runs the program")
    out = find_project(model, b, backend, project)
    ok, why = pio_status(b)
    if not ok:
        raise TinycError(f"cannot flash {b.id} from here: {why}; the project is {out}", 1)
    if uses_local_platform(b):
        url = port or "socket://127.0.0.1:4321"
        if not url.startswith("socket://"):
            url = "socket://" + url
        port = url
        progress(f"running {b.id} in QEMU for up to {seconds} s; its UART is {url} "
                 f"(`tinyc verify MODEL --board {b.id} --port {url}`)")
        timeout, extra = seconds + 120, {"TINYC_QEMU_SECONDS": str(int(seconds))}
    else:
        progress(f"flashing {b.id} from {out}…")
        timeout, extra = 1800, {}
    res = run_pio(out, b, targets=["upload"], timeout=timeout, upload_port=port,
                  extra_env=extra)
    rep = {"board": b.id, "project_dir": str(out), "port": port, "flashed": True,
           "seconds": round(res.seconds, 1), "log": str(res.log)}
    if as_json:
        emit_json(rep)
    else:
        verb = "ran in QEMU" if uses_local_platform(b) else "flashed"
        click.echo(f"{verb} {b.id} from {out} ({res.seconds:.1f} s)")
