"""`tinyc boards`: the board database."""
from __future__ import annotations

import click

from tinyc.boards import DEFAULT_BOARD, all_boards
from tinyc.output import emit_json, table


@click.command("boards")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def command(as_json: bool):
    """List the boards tinyc can compile for, with their RAM and flash."""
    boards = all_boards()
    if as_json:
        emit_json([board_document(b) for b in boards])
        return
    rows = []
    for b in boards:
        mhz = f"{b.clock_hz / 1e6:g} MHz" if b.clock_hz else "-"
        pio = b.platformio.get("board", "qemu" if b.emulated else "-")
        rows.append([b.id + (" *" if b.id == DEFAULT_BOARD else ""), b.core, mhz,
                     _size(b.ram_bytes), _size(b.flash_bytes), _size(b.ram_budget), pio,
                     ", ".join(b.aliases)])
    click.echo(table(["board", "core", "clock", "RAM", "flash", "for tinyc", "platformio",
                      "aliases"], rows, right={2, 3, 4, 5}))
    click.echo(f"\n* default board. 'for tinyc' = RAM minus what is kept back for the stack "
               f"and the rest of the application.")


def board_document(b) -> dict:
    """A board's --json entry: its file, and the keys other commands use for the same things
    (`board`; `ram_bytes` elsewhere is what a model uses, so the board's is also
    `board_ram_bytes`)."""
    return dict(b.to_json(), default=b.id == DEFAULT_BOARD, board=b.id,
                board_ram_bytes=b.ram_bytes, board_flash_bytes=b.flash_bytes,
                ram_budget=b.ram_budget, flash_budget=b.flash_budget)


def _size(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):g} GB"
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20} MB"
    kb = n / 1024
    return f"{kb:.0f} KB" if kb == int(kb) else f"{kb:.1f} KB"
