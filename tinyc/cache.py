"""Where builds live when the user names no directory, keyed so a stale build is never reused.

The key covers the model bytes, board, backend, options, every source tinyc generates from
(its Python, templates, firmware), the compiler's version and, for the tflm backend, the TFLM
tree it compiles (TINYC_TFLM_DIR, TINYC_TFLM_INCLUDES), so changing any of them gives a fresh
build.

    locked(entry)        one run at a time per entry (flock on entry.lock beside it); others wait
    valid_manifest(entry) -> dict | None   the manifest of a complete entry; None: rebuild it
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shlex
import shutil
import subprocess
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from tinyc.build import outdir
from tinyc.paths import PACKAGE_DIR
from tinyc.output import progress

TFLM_ENVS = ("TINYC_TFLM_DIR", "TINYC_TFLM_INCLUDES")
_held: dict[Path, int] = {}     # entry -> nesting depth of locked() in this process


def cache_root() -> Path:
    base = os.environ.get("TINYC_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "tinyc")
    return Path(base)


@lru_cache(maxsize=1)
def tool_digest() -> str:
    h = hashlib.sha256()
    for p in sorted(PACKAGE_DIR.rglob("*")):     # the code and tinyc/data/
        if p.is_file() and p.suffix in {".py", ".j2", ".c", ".h", ".cc", ".cpp", ".toml",
                                        ".ld", ".cmake", ".txt", ".json", ".ini"}:
            h.update(p.relative_to(PACKAGE_DIR).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def build_key(model_sha256: str, board_id: str, backend: str, options: dict) -> str:
    h = hashlib.sha256()
    h.update(f"{model_sha256}|{board_id}|{backend}|{sorted(options.items())}|".encode())
    h.update(tool_digest().encode())
    h.update(toolchain_signature(board_id).encode())
    if backend == "tflm":
        h.update(tflm_signature().encode())
    return h.hexdigest()[:20]


def toolchain_signature(board_id: str) -> str:
    """The compilers a build for this board runs (CMake's choice: $CC/$CXX on the host,
    arm-none-eabi-gcc for every other board), each by path and `--version` first line."""
    from tinyc.boards import get_board
    if get_board(board_id).is_host:
        cmds = [os.environ.get("CC") or "cc", os.environ.get("CXX") or "c++"]
    else:
        cmds = ["arm-none-eabi-gcc"]
    return "|".join(compiler_version(c) for c in cmds)


@lru_cache(maxsize=None)
def compiler_version(command: str) -> str:
    argv = shlex.split(command) or ["cc"]
    exe = shutil.which(argv[0])
    if exe is None:
        return f"{command}: not found"
    try:
        p = subprocess.run([exe, *argv[1:], "--version"], capture_output=True, text=True,
                           timeout=30, stdin=subprocess.DEVNULL)
        first = (p.stdout.strip().splitlines() or [""])[0]
    except (OSError, subprocess.SubprocessError):
        first = "no version"
    return f"{os.path.realpath(exe)} {' '.join(argv[1:])}: {first}"


def tflm_signature() -> str:
    """Which TFLM tree and headers a tflm build compiles: each path resolved, with the tree's
    git HEAD (and uncommitted changes) when it is a checkout, else its files' sizes and times."""
    parts = []
    for env in TFLM_ENVS:
        for p in filter(None, os.environ.get(env, "").split(":")):
            parts.append(f"{env}={tree_signature(Path(p))}")
    return "|".join(parts) or "no TFLM tree"


def tree_signature(path: Path) -> str:
    root = Path(os.path.realpath(path))
    if not root.is_dir():
        return f"{root}: missing"
    head = _git(root, "rev-parse", "HEAD")
    if head is not None:
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no") or ""
        if dirty:
            dirty = _git(root, "diff", "HEAD") or dirty
        return f"{root}@{head.strip()}+{hashlib.sha256(dirty.encode()).hexdigest()[:16]}"
    h = hashlib.sha256()
    for d, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            try:
                st = os.stat(os.path.join(d, name))
            except OSError:
                continue
            h.update(f"{os.path.relpath(os.path.join(d, name), root)}|{st.st_size}|"
                     f"{st.st_mtime_ns}\n".encode())
    return f"{root}:stat:{h.hexdigest()[:16]}"


def _git(root: Path, *args) -> str | None:
    if not (root / ".git").exists():
        return None
    try:
        p = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout if p.returncode == 0 else None


def build_dir(model_sha256: str, board_id: str, backend: str, options: dict) -> Path:
    return cache_root() / "builds" / f"{board_id}-{backend}-{build_key(model_sha256, board_id, backend, options)}"


@contextmanager
def locked(entry: Path):
    """Hold the entry's lock (reentrant within this process); a second run waits here."""
    entry = Path(entry)
    if entry in _held:
        _held[entry] += 1
        try:
            yield
        finally:
            _held[entry] -= 1
        return
    entry.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(entry.parent / f"{entry.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress(f"waiting for another tinyc building {entry.name}…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        _held[entry] = 1
        try:
            yield
        finally:
            del _held[entry]
    finally:
        os.close(fd)      # releases the lock


def valid_manifest(entry: Path) -> dict | None:
    """The manifest of a complete, compiled entry; None when anything is missing or torn."""
    try:
        meta = json.loads((Path(entry) / outdir.MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or not meta.get("compiled") or not meta.get("elf"):
        return None
    if not Path(meta["elf"]).is_file() or not outdir.listed_files_present(entry, meta):
        return None
    return meta
