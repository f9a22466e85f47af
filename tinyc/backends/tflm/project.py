"""The TFLM backend's part of the CMake project: TFLM's sources come from TINYC_TFLM_DIR.

    finish_project(out, extra, compile) -> bool   include tflm.cmake; compile only with a tree
    missing_tflm_error(out) -> TinycError          the one line when no TFLM tree is set
    include_dirs(root) -> [Path]                   TFLM + third-party header dirs, as tflm.cmake
"""
from __future__ import annotations

import os
from pathlib import Path

from tinyc.errors import TinycError

ENV = "TINYC_TFLM_DIR"
INCLUDES_ENV = "TINYC_TFLM_INCLUDES"
DOWNLOADS = "tensorflow/lite/micro/tools/make/downloads"   # TFLM's Makefile puts them here
THIRD_PARTY_HEADERS = ("flatbuffers/flatbuffers.h", "fixedpoint/fixedpoint.h",
                       "ruy/profiler/instrumentation.h")


def tflm_dir() -> str | None:
    return os.environ.get(ENV) or None


def include_dirs(root: str | Path) -> list[Path]:
    """The directories templates/tflm/tflm.cmake.j2 searches, in its order: the tree,
    TINYC_TFLM_INCLUDES (':'-separated), the Makefile's downloads/, create_tflm_tree's
    third_party/. Only those that exist."""
    root = Path(root)
    dl = root / DOWNLOADS
    extra = [Path(p) for p in os.environ.get(INCLUDES_ENV, "").split(":") if p]
    dirs = [root, *extra, dl, dl / "flatbuffers/include", dl / "gemmlowp", dl / "ruy",
            root / "third_party/flatbuffers/include", root / "third_party/gemmlowp",
            root / "third_party/ruy"]
    return [d for d in dirs if d.is_dir()]


def check_tree(root: str | Path) -> None:
    """One error line when the tree or a third-party header TFLM needs is missing."""
    root = Path(root)
    if not (root / "tensorflow/lite/micro/micro_interpreter.h").is_file():
        raise TinycError(f"{ENV}={root} is not a tflite-micro checkout (no "
                         "tensorflow/lite/micro/micro_interpreter.h)", 1)
    dirs = include_dirs(root)
    for hdr in THIRD_PARTY_HEADERS:
        if not any((d / hdr).is_file() for d in dirs):
            raise TinycError(f"TFLM needs {hdr} (flatbuffers, gemmlowp, ruy): run `make -f "
                             f"tensorflow/lite/micro/tools/make/Makefile third_party_downloads` "
                             f"in {root}, or set {INCLUDES_ENV} to the directories that hold "
                             "them (':'-separated)", 1)


def finish_project(out: Path, extra: dict, compile: bool) -> bool:
    """Append the include of the generated tflm.cmake to out/CMakeLists.txt. Returns whether
    to compile: only when TINYC_TFLM_DIR is set (cmake reads it from the environment)."""
    frag = Path(extra["cmake_fragment"]).resolve().relative_to(Path(out).resolve()).as_posix()
    cml = Path(out) / "CMakeLists.txt"
    cml.write_text(cml.read_text() + f"include(${{CMAKE_CURRENT_SOURCE_DIR}}/{frag})\n")
    if not compile or tflm_dir() is None:
        return False
    check_tree(tflm_dir())
    return True


def missing_tflm_error(out: Path) -> TinycError:
    return TinycError(f"set {ENV} to a tflite-micro checkout to compile the TFLM project "
                      f"written to {out} (cmake -DTINYC_TFLM_DIR=... works too)", 1)
