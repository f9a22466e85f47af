"""Section sizes of a built program, read with binutils' `size` (Berkeley format)."""
from __future__ import annotations

import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from tinyc.boards import Board
from tinyc.errors import TinycError


@dataclass(frozen=True)
class BuildResult:
    """elf: the program. text: code + rodata (weights) + vectors; data: initialised RAM (its
    image also sits in flash); bss: zeroed RAM. ram_bytes = data + bss (the stack is not in
    it); flash_bytes = text + data."""
    elf: Path
    text: int
    data: int
    bss: int
    ram_bytes: int
    flash_bytes: int

    def to_json(self) -> dict:
        d = asdict(self)
        d["elf"] = str(self.elf)
        return d


def elf_sizes(elf: Path, board: Board) -> BuildResult:
    tool = "size" if board.is_host else "arm-none-eabi-size"
    if not elf.is_file():
        raise TinycError(f"the build produced no program at {elf}", 1)
    try:
        out = subprocess.run([tool, str(elf)], capture_output=True, text=True, timeout=60,
                             check=True).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise TinycError(f"could not read section sizes of {elf} with {tool}: {e}", 1) from None
    text, data, bss = (int(x) for x in out.splitlines()[1].split()[:3])
    return BuildResult(elf=elf, text=text, data=data, bss=bss, ram_bytes=data + bss,
                       flash_bytes=text + data)
