"""A self-contained CMake project for the host or an emulated Cortex-M board, and its build.

    write_project(out_dir, board, sources, include_dirs=(), defines={}) -> Path
    compile_project(out_dir, board, timeout=600) -> BuildResult
    forget_configuration(out_dir)    before the folder moves: CMake's cache pins its path

The project holds everything it needs: the given sources (copied under src/ unless they are
already inside out_dir), the protocol harness and runtime, the board support files, and for
Cortex-M boards the startup code, a linker script from the board's memory map and an
arm-none-eabi toolchain file, so `cmake -S DIR -B DIR/build && cmake --build DIR/build`
builds it with no tinyc around.
"""
from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

from tinyc.boards import Board
from tinyc.build.elfsize import BuildResult, elf_sizes
from tinyc.build.linker import DEFAULT_STACK_BYTES, linker_script
from tinyc.build.proc import run_group
from tinyc.errors import TinycError
from tinyc.paths import FIRMWARE_DIR as FIRMWARE

RUNTIME_DIR = "tinyc_rt"
ELF_NAME = "firmware"
_RUNTIME = ["runtime/harness.c", "runtime/protocol.c", "runtime/protocol.h",
            "runtime/tinyc_hooks.c", "runtime/tinyc_hooks.h",
            "runtime/tinyc_model.h", "boards/board.h"]
_CXX_SUFFIXES = {".cc", ".cpp", ".cxx"}
_COMMON_FLAGS = ["-ffunction-sections", "-fdata-sections"]
_WARN_FLAGS = ["-Wall", "-Wextra"]


def board_files(board: Board) -> list[str]:
    """Firmware files (relative to firmware/) that support `board`, startup included."""
    kind = board.uart.get("kind")
    if kind == "stdio":
        return ["boards/host/board_host.c"]
    if kind == "cmsdk":
        return ["boards/mps2/board_mps2.c", "boards/cortexm/startup.c"]
    raise TinycError(f"board {board.id} (uart kind '{kind}') is not built with CMake; "
                     "use its PlatformIO project")


def board_defines(board: Board) -> dict[str, str]:
    if board.uart.get("kind") != "cmsdk":
        return {}
    per_tick = instructions_per_tick(board)
    return {"BOARD_UART_BASE": f"0x{int(board.uart['base']):08X}u",
            "BOARD_UART_IRQ": str(int(board.uart["irq"])),
            "BOARD_TIMER_BASE": f"0x{int(board.counter.get('timer_base', 0x40000000)):08X}u",
            "BOARD_TICKS_NUM": f"{per_tick.numerator}u",
            "BOARD_TICKS_DEN": f"{per_tick.denominator}u"}


def instructions_per_tick(board: Board) -> Fraction:
    """Under `-icount shift=N` an instruction takes 2^N ns; the CMSDK timer ticks at timer_hz."""
    hz = int(board.counter.get("timer_hz", 25_000_000))
    return Fraction(10**9, hz * 2 ** int(board.qemu.get("icount_shift", 6)))


def write_project(out_dir: str | Path, board: Board, sources, include_dirs=(), defines=None, *,
                  opt: str = "-O2", sanitize: bool = False, werror: bool = True,
                  stack_bytes: int = DEFAULT_STACK_BYTES, support=None) -> Path:
    """Write the CMake project for `board` into `out_dir` and return out_dir.

    sources: .c/.cc/.cpp/.h paths (the generated model, kernels, ...). Files inside out_dir
        stay where they are; others are copied to out_dir/src/. A source named like a runtime
        file (tinyc_model.h, tinyc_hooks.c) is skipped: the runtime's own copy is used.
    include_dirs: directories searched for headers (copied to out_dir/include/<name>/ when
        outside out_dir). defines: {NAME: value or None}, added with -D for every file.
    support: firmware files (relative to firmware/) used instead of board_files(board), e.g.
        a UART-less stub layer to prove that a real board's sources compile and fit.
    opt: optimisation flag. sanitize (host only): ASan + UBSan. werror: -Werror for C files
        (C++ gets -Wall -Wextra only: the TFLM sources are not ours).
    """
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    rt = out / RUNTIME_DIR
    rt.mkdir(exist_ok=True)
    fw_files = _RUNTIME + (list(support) if support is not None else board_files(board))
    for rel in fw_files:
        shutil.copy2(FIRMWARE / rel, rt / Path(rel).name)
    runtime_names = {Path(rel).name for rel in fw_files}

    compiled = [f"{RUNTIME_DIR}/{Path(rel).name}" for rel in fw_files if rel.endswith(".c")]
    copied: dict[str, Path] = {}
    for src in map(Path, sources):
        src = src.resolve()
        if not src.is_file():
            raise TinycError(f"source file {src} does not exist")
        if src.name in runtime_names:
            continue
        if not src.is_relative_to(out):
            (out / "src").mkdir(exist_ok=True)
            dst = out / "src" / src.name
            if copied.setdefault(src.name, src) != src:
                raise TinycError(f"two sources are named {src.name}; rename one")
            shutil.copy2(src, dst)
            src = dst
        if src.suffix in {".c"} | _CXX_SUFFIXES:
            compiled.append(src.relative_to(out).as_posix())

    incs = [RUNTIME_DIR]
    if (out / "src").is_dir():
        incs.append("src")
    for d in map(Path, include_dirs):
        d = d.resolve()
        if not d.is_relative_to(out):
            dst = out / "include" / d.name
            shutil.copytree(d, dst, dirs_exist_ok=True)
            d = dst
        incs.append(d.relative_to(out).as_posix() or ".")

    defs = dict(board_defines(board))
    defs.update(defines or {})
    has_cxx = any(Path(s).suffix in _CXX_SUFFIXES for s in compiled)
    cross = not board.is_host
    if cross:
        (out / "board.ld").write_text(linker_script(board, stack_bytes))
        (out / "arm-none-eabi.cmake").write_text(_toolchain(board))
    (out / "CMakeLists.txt").write_text(_cmakelists(board, compiled, incs, defs, opt=opt,
                                                    sanitize=sanitize and not cross,
                                                    werror=werror, has_cxx=has_cxx))
    return out


def compile_project(out_dir: str | Path, board: Board, timeout: float = 600) -> BuildResult:
    """Configure and build the project in out_dir/build; sizes read from the ELF.

    A compiler error ends in a TinycError naming the first error line and the full log
    (out_dir/build/build.log)."""
    out = Path(out_dir).resolve()
    build = out / "build"
    build.mkdir(exist_ok=True)
    log = build / "build.log"
    steps = [["cmake", "-S", str(out), "-B", str(build), "-DCMAKE_BUILD_TYPE=None"],
             ["cmake", "--build", str(build), "-j", "2"]]
    text = ""
    for cmd in steps:
        try:
            p = run_group(cmd, timeout)
        except FileNotFoundError:
            raise TinycError("cmake is not installed (apt install cmake)", 1) from None
        except subprocess.TimeoutExpired:
            raise TinycError(f"the build in {out} took more than {timeout:.0f} s", 1) from None
        text += p.stdout + p.stderr
        log.write_text(text)
        if p.returncode != 0:
            first = _first_error(text).replace(str(out) + "/", "")
            raise TinycError(f"build failed: {first} (full log: {log})", 1)
    elf = build / ELF_NAME
    return elf_sizes(elf, board)


# What a configured build tree holds that names its absolute path: CMake refuses to run in
# such a tree once moved, so a build moved into place keeps only its program, map and log.
_CONFIGURE_STATE = ("CMakeCache.txt", "CMakeFiles", "Makefile", "cmake_install.cmake",
                    "build.ninja", ".ninja_deps", ".ninja_log")


def forget_configuration(out_dir: str | Path) -> None:
    """Drop every CMake build tree's configure state under out_dir (see _CONFIGURE_STATE):
    `cmake -S DIR -B DIR/build` then configures afresh wherever the folder has moved."""
    for cache in list(Path(out_dir).rglob("CMakeCache.txt")):
        for name in _CONFIGURE_STATE:
            p = cache.parent / name
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            elif p.exists() or p.is_symlink():
                p.unlink()


def _first_error(text: str) -> str:
    for marker in (": error:", ": fatal error:", "CMake Error", "error:"):
        for line in text.splitlines():
            if marker in line:
                return line.strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1].strip() if lines else "no output"


def compiler_flags(board: Board, opt: str = "-O2") -> list[str]:
    """The C flags a CMake build for `board` compiles the model and kernels with."""
    return list(board.cflags) + _COMMON_FLAGS + [opt]


def compiler_version(board: Board) -> str:
    """First line of the cross compiler's --version ('' when it is not installed)."""
    cc = "cc" if board.is_host else "arm-none-eabi-gcc"
    try:
        r = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (r.stdout.splitlines() or [""])[0].strip()


def _toolchain(board: Board) -> str:
    flags = " ".join(list(board.cflags) + _COMMON_FLAGS)
    return f"""\
# Generated by tinyc: arm-none-eabi-gcc for {board.id}.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "{flags}")
set(CMAKE_CXX_FLAGS_INIT "{flags} -fno-exceptions -fno-rtti -fno-threadsafe-statics")
set(CMAKE_EXE_LINKER_FLAGS_INIT "{" ".join(board.cflags)} -nostartfiles --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
"""


def _cmakelists(board: Board, sources, incs, defs, *, opt, sanitize, werror, has_cxx) -> str:
    langs = "C CXX" if has_cxx else "C"
    q = lambda s: '"' + str(s).replace('"', '\\"') + '"'  # noqa: E731
    srcs = "\n  ".join(sources)
    inc = "\n  ".join(incs)
    dfs = "\n  ".join(q(k if v is None else f"{k}={v}") for k, v in defs.items())
    warn = " ".join(_WARN_FLAGS + (["$<$<COMPILE_LANGUAGE:C>:-Werror>"] if werror else []))
    lines = [f"# Generated by tinyc for board {board.id}.",
             "cmake_minimum_required(VERSION 3.16)"]
    if not board.is_host:
        lines += ["if(NOT CMAKE_TOOLCHAIN_FILE)",
                  "  set(CMAKE_TOOLCHAIN_FILE ${CMAKE_CURRENT_SOURCE_DIR}/arm-none-eabi.cmake)",
                  "endif()"]
    lines += [f"project(tinyc_firmware LANGUAGES {langs})",
              "set(CMAKE_C_STANDARD 11)",
              "set(CMAKE_C_EXTENSIONS ON)",
              "set(CMAKE_CXX_STANDARD 17)",
              f"add_executable({ELF_NAME}\n  {srcs})",
              f"target_include_directories({ELF_NAME} PRIVATE\n  {inc})"]
    if dfs:
        lines.append(f"target_compile_definitions({ELF_NAME} PRIVATE\n  {dfs})")
    lines.append(f"target_compile_options({ELF_NAME} PRIVATE {opt} {warn})")
    if board.is_host:
        lines.append(f"target_compile_options({ELF_NAME} PRIVATE {' '.join(_COMMON_FLAGS)})")
        if sanitize:
            san = "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
            lines += [f"target_compile_options({ELF_NAME} PRIVATE {san})",
                      f"target_link_options({ELF_NAME} PRIVATE {san})"]
    else:
        lines += [f"target_link_options({ELF_NAME} PRIVATE -T${{CMAKE_CURRENT_SOURCE_DIR}}/board.ld "
                  f"-Wl,-Map=${{CMAKE_CURRENT_BINARY_DIR}}/{ELF_NAME}.map)",
                  f"set_target_properties({ELF_NAME} PROPERTIES LINK_DEPENDS "
                  "${CMAKE_CURRENT_SOURCE_DIR}/board.ld)"]
    return "\n".join(lines) + "\n"
