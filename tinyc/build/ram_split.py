"""Whose RAM is it: the model's own code (model.c and its kernels) or the test harness.

A linked firmware's .data + .bss holds the arena, whatever state the model's code keeps, and
what the harness, protocol and board support add (frame buffers, the profile table). The
user pays the first part in their own firmware; the second only in tinyc's test firmware.
The split is read from the compiled objects: one object per source file, in any build
system's folder layout (CMake's `src/model.c.obj`, PlatformIO's `src/model.o`).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from tinyc.errors import TinycError

SOURCE_SUFFIXES = (".c", ".cc", ".cpp")
OBJECT_SUFFIXES = tuple(f"{s}{o}" for s in SOURCE_SUFFIXES for o in (".obj", ".o")) + (".o", ".obj")


def model_objects(build_root: Path, sources: list[Path]) -> list[Path]:
    """The newest object compiled from each of the model's C sources under `build_root`."""
    stems = {Path(s).stem for s in sources if Path(s).suffix in SOURCE_SUFFIXES}
    found: dict[str, Path] = {}
    for obj in Path(build_root).rglob("*.o*"):
        if obj.suffix not in (".o", ".obj") or obj.parent.name != "src":
            continue
        name = obj.name
        stem = next((name[: -len(s)] for s in OBJECT_SUFFIXES if name.endswith(s)), None)
        if stem in stems and (stem not in found
                              or obj.stat().st_mtime > found[stem].stat().st_mtime):
            found[stem] = obj
    missing = stems - set(found)
    if missing:
        raise TinycError(f"cannot split RAM by owner: no object for {', '.join(sorted(missing))}"
                         f" under {build_root}", 1)
    return sorted(found.values())


def data_bss_bytes(objects: list[Path], host: bool = False) -> int:
    """.data + .bss of `objects`, as binutils' `size` counts them."""
    if not objects:
        return 0
    tool = "size" if host else "arm-none-eabi-size"
    try:
        out = subprocess.run([tool, *map(str, objects)], capture_output=True, text=True,
                             timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise TinycError(f"could not read section sizes with {tool}: {e}", 1) from None
    total = 0
    for line in out.splitlines()[1:]:
        cols = line.split()
        total += int(cols[1]) + int(cols[2])
    return total


def split_ram(build_root: Path, sources: list[Path], ram_bytes: int,
              host: bool = False) -> tuple[int, int]:
    """(model_ram_bytes, harness_ram_bytes) of a linked program whose RAM is `ram_bytes`."""
    model = data_bss_bytes(model_objects(build_root, sources), host)
    return model, ram_bytes - model
