"""`tinyc devices`: serial ports, their USB ids, and the board each one looks like."""
from __future__ import annotations

import click

from tinyc.commands.common import json_option
from tinyc.output import emit_json, table
from tinyc.usb_ids import guess_boards


def list_devices() -> list[dict]:
    try:
        from serial.tools import list_ports
    except ImportError:   # pyserial is a dependency; be clear if it is broken
        from tinyc.errors import TinycError
        raise TinycError("pyserial is not installed (pip install pyserial)", 1) from None
    rows = []
    for p in sorted(list_ports.comports(), key=lambda p: p.device):
        boards, what = guess_boards(p.vid, p.pid)
        rows.append({"port": p.device,
                     "vid": f"{p.vid:04x}" if p.vid is not None else None,
                     "pid": f"{p.pid:04x}" if p.pid is not None else None,
                     "serial_number": p.serial_number, "description": p.description,
                     "usb": what or None, "boards": list(boards)})
    return rows


@click.command("devices")
@click.option("--all", "show_all", is_flag=True, help="Also ports with no USB ids.")
@json_option
def command(show_all, as_json):
    """Serial ports with their USB VID:PID and the board they look like."""
    rows = [r for r in list_devices() if show_all or r["vid"] is not None]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no USB serial ports found" + ("" if show_all else " (--all lists every port)"))
        return
    click.echo(table(["port", "VID:PID", "looks like", "description"],
                     [[r["port"], f"{r['vid']}:{r['pid']}" if r["vid"] else "-",
                       ", ".join(r["boards"]) or "?", r["description"] or ""] for r in rows]))
