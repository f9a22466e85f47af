"""The PlatformIO route of the pipeline: project, `pio run`, or the offline size proof.

    wants_platformio(board, options) -> bool
    build_platformio(build, sources, compile, say) -> Build

Real boards always take this route; emulated boards when asked (`--via platformio`).
When `pio run` cannot work here (the vendor platform is not installed and PlatformIO's
registry is unreachable), this is said in one line, the complete project stays, and the
sources are cross-compiled with arm-none-eabi-gcc against the board's memory map to prove
that they compile and fit (tinyc/build/fitcheck.py).
"""
from __future__ import annotations

from tinyc.build import fitcheck
from tinyc.build.elfsize import elf_sizes
from tinyc.build.platformio import pio_status, run_pio, uses_local_platform, write_pio_project


def wants_platformio(board, options: dict) -> bool:
    if board.is_host:
        return False
    return not board.emulated or options.get("via") == "platformio"


def build_platformio(build, sources, compile: bool, say):
    board, out = build.board, build.project_dir
    write_pio_project(out, board, sources, header=f"Model {build.graph.sha256[:16]}…",
                      lib_deps=build.extra.get("tflm_lib_deps") or ())
    build.extra.update(platformio_ran=False, platformio_project=str(out / "platformio.ini"))
    if not compile:
        build.ram_bytes, build.flash_bytes = build.plan.arena_bytes, build.weights_bytes
        return build
    ok, why = pio_status(board)
    if ok:
        say(f"pio run for {board.id}…")
        res = run_pio(out, board)
        build.compiled, build.elf = True, res.elf
        build.extra.update(platformio_ran=True, platformio_seconds=round(res.seconds, 1))
        if res.elf is not None and board.core.startswith("cortex-m"):
            _take_sizes(build, elf_sizes(res.elf, board))
        else:
            build.ram_bytes = res.ram_bytes or 0
            build.flash_bytes = res.flash_bytes or 0
        if not uses_local_platform(board):
            # The program holds the framework too: compare it with the whole chip.
            build.extra["fits"] = (build.ram_bytes <= board.ram_bytes
                                   and build.flash_bytes <= board.flash_bytes)
        return build
    can, why_not = fitcheck.can_prove(board)
    say(f"PlatformIO cannot build for {board.id} here: {why}; the project in {out} is "
        "complete (`pio run` there where PlatformIO can install it)" +
        (". Proving instead that the sources compile and fit with arm-none-eabi-gcc…" if can
         else f". No size proof either: {why_not}."))
    build.extra["platformio_note"] = why
    if not can:
        build.extra["size_proof"] = None
        build.extra["size_proof_note"] = why_not
        build.ram_bytes, build.flash_bytes = build.plan.arena_bytes, build.weights_bytes
        return build
    res = fitcheck.prove_fit(out, board, sources)
    build.compiled, build.elf = True, res.elf
    build.extra["size_proof"] = "arm-none-eabi-gcc, generic Cortex-M startup, stub UART"
    _take_sizes(build, res)
    return build


def _take_sizes(build, res) -> None:
    build.sizes = {"text": res.text, "data": res.data, "bss": res.bss}
    build.ram_bytes, build.flash_bytes = res.ram_bytes, res.flash_bytes
    build.code_bytes = max(res.flash_bytes - build.weights_bytes, 0)
