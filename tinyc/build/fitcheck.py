"""Proof that a real board's sources compile, link and fit, without its vendor platform.

    prove_fit(project_dir, board, sources) -> BuildResult

The model, kernels and protocol runtime are cross-compiled with the system arm-none-eabi-gcc
for the board's core (its -mcpu/FPU flags) and linked against its real memory map (the
linker script from boards/<id>.toml), with the generic Cortex-M startup and a UART-less stub
board layer instead of the framework's glue. The CMake project sits in
`project_dir/fitcheck/`; its program is never flashed.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from tinyc.boards import Board
from tinyc.build.cmake import compile_project, write_project
from tinyc.build.elfsize import BuildResult
from tinyc.errors import TinycError

FIT_DIR = "fitcheck"
_CORES_WITH_DWT = ("cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55")


def can_prove(board: Board) -> tuple[bool, str]:
    if not board.core.startswith("cortex-m"):
        return False, (f"{board.id} is {board.core}: there is no local toolchain for it "
                       "(PlatformIO installs the Xtensa one with the platform)")
    if shutil.which("arm-none-eabi-gcc") is None:
        return False, "arm-none-eabi-gcc is not installed (apt install gcc-arm-none-eabi)"
    return True, ""


def stub_support(board: Board) -> list[str]:
    counter = ("boards/dwt/counter_dwt.c" if board.core in _CORES_WITH_DWT
               else "boards/stub/counter_none.c")
    return ["boards/stub/board_stub.c", counter, "boards/cortexm/startup.c"]


def prove_fit(project_dir: Path, board: Board, sources) -> BuildResult:
    ok, why = can_prove(board)
    if not ok:
        raise TinycError(why, 1)
    out = Path(project_dir) / FIT_DIR
    write_project(out, board, sources, support=stub_support(board))
    return compile_project(out, board)
