"""Where builds live when the user names no directory, keyed so a stale build is never reused.

The key covers the model bytes, board, backend, options and every source tinyc generates
from (its Python, templates, firmware), so editing any of them gives a fresh build.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from tinyc.models_dir import REPO


def cache_root() -> Path:
    base = os.environ.get("TINYC_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "tinyc")
    return Path(base)


@lru_cache(maxsize=1)
def tool_digest() -> str:
    h = hashlib.sha256()
    for sub in ("tinyc", "templates", "firmware", "boards", "platformio"):
        for p in sorted((REPO / sub).rglob("*")):
            if p.is_file() and p.suffix in {".py", ".j2", ".c", ".h", ".cc", ".cpp", ".toml",
                                            ".ld", ".cmake", ".txt", ".json", ".ini"}:
                h.update(str(p.relative_to(REPO)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def build_key(model_sha256: str, board_id: str, backend: str, options: dict) -> str:
    h = hashlib.sha256()
    h.update(f"{model_sha256}|{board_id}|{backend}|{sorted(options.items())}|".encode())
    h.update(tool_digest().encode())
    return h.hexdigest()[:20]


def build_dir(model_sha256: str, board_id: str, backend: str, options: dict) -> Path:
    return cache_root() / "builds" / f"{board_id}-{backend}-{build_key(model_sha256, board_id, backend, options)}"
