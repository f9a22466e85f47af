"""The TFLM backend's part of the CMake project: TFLM's sources come from TINYC_TFLM_DIR.

    finish_project(out, extra, compile) -> bool   include tflm.cmake; compile only with a tree
    missing_tflm_error(out) -> TinycError          the one line when no TFLM tree is set
"""
from __future__ import annotations

import os
from pathlib import Path

from tinyc.errors import TinycError

ENV = "TINYC_TFLM_DIR"


def tflm_dir() -> str | None:
    return os.environ.get(ENV) or None


def finish_project(out: Path, extra: dict, compile: bool) -> bool:
    """Append the include of the generated tflm.cmake to out/CMakeLists.txt. Returns whether
    to compile: only when TINYC_TFLM_DIR is set (cmake reads it from the environment)."""
    frag = Path(extra["cmake_fragment"]).resolve().relative_to(Path(out).resolve()).as_posix()
    cml = Path(out) / "CMakeLists.txt"
    cml.write_text(cml.read_text() + f"include(${{CMAKE_CURRENT_SOURCE_DIR}}/{frag})\n")
    return compile and tflm_dir() is not None


def missing_tflm_error(out: Path) -> TinycError:
    return TinycError(f"set {ENV} to a tflite-micro checkout to compile the TFLM project "
                      f"written to {out} (cmake -DTINYC_TFLM_DIR=... works too)", 1)
