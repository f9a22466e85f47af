"""Write a folder all at once: a temporary folder beside DIR, renamed into place when complete.

A non-empty DIR is replaced only when its manifest (tinyc.json, written by tinyc) lists every
file in it: a folder holding anything tinyc did not write is refused, never deleted.
(tinyc/build/outdir.py is to provide this for every command; this one is swappable for it.)
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from tinyc.errors import TinycError

MANIFEST = "tinyc.json"


def write_dir(out: Path, fill: Callable[[Path], dict]) -> dict:
    """fill(staging_dir) writes every file and returns the manifest (without "files");
    the manifest, with the sorted list of files, goes to DIR/tinyc.json. Returns it."""
    out = Path(out)
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.tinyc-", dir=out.parent))
    old = None
    try:
        manifest = fill(stage)
        manifest["files"] = sorted(p.relative_to(stage).as_posix()
                                   for p in stage.rglob("*") if p.is_file())
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        if out.exists():
            old = out.rename(stage.with_name(stage.name + "-old"))
        stage.rename(out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if old is not None and not out.exists():
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return manifest


def _check_replaceable(out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise TinycError(f"{out} exists and is not a directory; choose a new directory with -o")
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir()}
    if not present:
        return
    try:
        listed = set(json.loads((out / MANIFEST).read_text())["files"]) | {MANIFEST}
    except (OSError, ValueError, KeyError, TypeError):
        listed = set()
    if not present <= listed:
        raise TinycError(f"{out} is not empty and holds files tinyc did not write there; "
                         "choose an empty or new directory with -o")
