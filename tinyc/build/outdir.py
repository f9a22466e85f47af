"""Output folders that are safe to write: tinyc replaces only what it provably wrote.

    check_target(out, model) -> Path       refuse `.`, `/`, $HOME, the cwd and the model's
                                           folder (or what holds them), files, foreign folders
    foreign_file(folder) -> str | None     why `folder` is not wholly tinyc's, or None
    write_manifest(folder, data)           tinyc.json with the list of every file written
    rebase(value, old, new)                a path inside the temporary folder, moved
    staged(target, replace_foreign=False)  a temporary folder beside target, moved into place
                                           on success, removed on any failure or signal
    remove_dead_leftovers(target)          what a run killed outright (SIGKILL) left beside it

A build is generated into a hidden folder beside its target (same parent, so the final move
is a rename) and the earlier build is set aside and deleted only after the new one is in
place; signals are held off during that swap, so a stopped build leaves the earlier one.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tinyc.errors import TinycError

MANIFEST = "tinyc.json"
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def check_target(out: str | Path, model: str | Path) -> Path:
    """The resolved `-o` folder, or one `error:` line saying why tinyc will not write there."""
    given = str(out)
    target = Path(os.path.realpath(out))
    cwd = Path(os.path.realpath(os.getcwd()))
    model_dir = Path(os.path.realpath(model)).parent
    advice = "name a new folder, or one an earlier `tinyc build -o` made"
    if target == Path(target.anchor):
        raise TinycError(f"-o {given} is the root folder; {advice}")
    if target == Path(os.path.realpath(os.path.expanduser("~"))):
        raise TinycError(f"-o {given} is your home folder; {advice}")
    if target == cwd or target in cwd.parents:
        raise TinycError(f"-o {given} is the current folder or holds it; {advice}")
    if target == model_dir or target in model_dir.parents:
        raise TinycError(f"-o {given} holds the model {model}; {advice}")
    if target.exists() and not target.is_dir():
        raise TinycError(f"-o {given} exists and is not a directory; {advice}")
    if target.is_dir():
        why = foreign_file(target)
        if why:
            raise TinycError(why)
    return target


def foreign_file(folder: Path) -> str | None:
    """None when every file in `folder` is one its manifest lists, unchanged; else the reason.

    An empty folder is fine: replacing it loses nothing."""
    folder = Path(folder)
    present = _files(folder)
    manifest = folder / MANIFEST
    if not present and not manifest.exists():
        return None
    if not manifest.is_file() or manifest.is_symlink():
        return (f"{folder} is not empty and is not a tinyc build; choose an empty or new "
                "directory with -o")
    try:
        meta = json.loads(manifest.read_text())
        listed = {f["path"]: f for f in meta["files"]} if "tinyc_version" in meta else None
    except (OSError, ValueError, TypeError, KeyError):
        listed = None
    if listed is None:
        return (f"{folder} is not a tinyc build ({MANIFEST} lists no files tinyc wrote), so "
                "tinyc will not replace it; move it away or choose another -o")
    for rel in sorted(present):
        f = listed.get(rel)
        if f is None:
            return (f"{folder} holds {rel}, which tinyc did not write; move it out of {folder} "
                    "or choose another -o")
        path = folder / rel
        try:
            same = path.lstat().st_size == f.get("bytes") and _sha256(path) == f.get("sha256")
        except OSError as e:
            return f"{folder}/{rel} cannot be read ({e.strerror}); fix it or choose another -o"
        if not same:
            return (f"{folder}/{rel} changed since tinyc wrote it; move it out of {folder} or "
                    "choose another -o")
    return None


def write_manifest(folder: Path, data: dict) -> None:
    """tinyc.json: `data` plus `files`, every file under folder with its size and SHA-256."""
    files = [{"path": rel, "bytes": (Path(folder) / rel).lstat().st_size,
              "sha256": _sha256(Path(folder) / rel)} for rel in sorted(_files(folder))]
    (Path(folder) / MANIFEST).write_text(json.dumps({**data, "files": files}, indent=2))


def rebase(value, old: Path, new: Path):
    """A path (Path or str) under `old` moved under `new`; any other value unchanged."""
    if not isinstance(value, (str, Path)):
        return value
    for prefix in {str(old), os.path.realpath(old)}:
        if str(value) == prefix or str(value).startswith(prefix + os.sep):
            moved = str(new) + str(value)[len(prefix):]
            return Path(moved) if isinstance(value, Path) else moved
    return value


def listed_files_present(folder: Path, meta: dict) -> bool:
    """Every file the manifest lists is there with its size: the entry was fully written."""
    try:
        return all((Path(folder) / f["path"]).is_file()
                   and (Path(folder) / f["path"]).stat().st_size == f["bytes"]
                   for f in meta["files"])
    except (KeyError, TypeError, OSError):
        return False


@contextmanager
def staged(target: Path, replace_foreign: bool = False):
    """Yield an empty temporary folder beside `target`; when the block succeeds, it becomes
    `target` (the earlier folder there is deleted only after the move). On any exception,
    Ctrl-C or a signal turned into one, the temporary folder is removed and `target` is as it
    was. replace_foreign: replace whatever is at target (tinyc's own cache only).

    The temporary folder is flock-ed while it lives, so the next build of the same target
    can tell the leftovers of a run killed outright (SIGKILL) from a live run's, and remove
    them."""
    target = Path(target)
    try:
        made = _make_parents(target.parent)
        remove_dead_leftovers(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tinyc-new-", dir=target.parent))
    except OSError as e:
        raise TinycError(f"cannot write beside {target}: {e.strerror}; choose another -o") from None
    fd = _lock_folder(tmp)
    try:
        yield tmp
        with signals_held():
            _swap_in(tmp, target, replace_foreign)
    except BaseException as e:
        with signals_held():
            if isinstance(e, TinycError):
                _keep_logs(e, tmp, target)
            shutil.rmtree(tmp, ignore_errors=True)
            for d in made:
                _rmdir_if_empty(d)
        raise
    finally:
        os.close(fd)


def remove_dead_leftovers(target: Path) -> None:
    """Remove the temporary folders of `target` whose run is gone (nobody holds their lock)."""
    target = Path(target)
    for p in target.parent.glob(f".{target.name}.tinyc-*-*"):
        try:
            fd = os.open(p, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue          # a live run's
        else:
            shutil.rmtree(p, ignore_errors=True)
        finally:
            os.close(fd)


def _keep_logs(err: TinycError, tmp: Path, target: Path) -> None:
    """A failed build's error names files (its log) in the folder about to be removed: copy
    them to tinyc's cache (logs/) and name the copies instead."""
    from tinyc.cache import cache_root
    logs = cache_root() / "logs"
    tag = hashlib.sha256(str(target).encode()).hexdigest()[:8]
    msg = err.message
    for prefix in {str(tmp), os.path.realpath(tmp)}:
        for path in set(re.findall(re.escape(prefix) + r"/[^\s)]+", msg)):
            kept = logs / f"{target.name}-{tag}-{Path(path).name}"
            try:
                logs.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, kept)
            except OSError:
                continue      # the message keeps naming the (removed) original
            msg = msg.replace(path, str(kept))
        msg = msg.replace(prefix, str(target))
    err.message = msg
    err.args = (msg,)


def _lock_folder(folder: Path, wait: bool = False) -> int:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    return fd


@contextmanager
def signals_held():
    """Hold off Ctrl-C, SIGTERM and SIGHUP (they arrive after the block), so a rename pair
    or a cleanup is never cut in half."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _swap_in(tmp: Path, target: Path, replace_foreign: bool) -> None:
    if not (target.exists() or target.is_symlink()):
        os.rename(tmp, target)
        return
    if not replace_foreign:   # checked again: a file may have been added while we built
        why = foreign_file(target) if target.is_dir() and not target.is_symlink() else \
            f"{target} exists and is not a directory; choose another -o"
        if why:
            raise TinycError(why)
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.tinyc-old-", dir=target.parent))
    fd = _lock_folder(target, wait=True)   # the lock moves with it: not a dead leftover
    try:
        os.rename(target, aside)          # replaces the empty `aside`
        try:
            os.rename(tmp, target)
        except BaseException:
            os.rename(aside, target)
            raise
        shutil.rmtree(aside, ignore_errors=True)
    finally:
        os.close(fd)


def _files(folder: Path) -> set[str]:
    """Every non-directory entry under folder (symlinks included, never followed), relative
    and '/'-separated, except the manifest."""
    out = set()
    for root, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            rel = os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/")
            if rel != MANIFEST:
                out.add(rel)
    return out


def _sha256(path: Path) -> str:
    if path.is_symlink():
        return "symlink:" + os.readlink(path)
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _make_parents(parent: Path) -> list[Path]:
    """mkdir -p parent; the folders it created, deepest first (removed again on failure)."""
    made = []
    p = parent
    while not p.exists():
        made.append(p)
        p = p.parent
    parent.mkdir(parents=True, exist_ok=True)
    return made


def _rmdir_if_empty(d: Path) -> None:
    try:
        d.rmdir()
    except OSError:
        pass
