"""Host libraries compiled once: the kernel tests build the same generated C again and again
(every run, every table case of the same model), so conftest wraps tinyc.hostlib.compile_shared
with this disk cache, as tests/modelgen.py caches the TensorFlow conversions.

The key is every byte the compiler reads or is told: the sources, every header in the include
folders, the flags and the compiler's version. A compile that fails is never cached; a hit is
copied to the path asked for (a path of its own, so each test's dlopen gets its own arena).
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import tinyc.hostlib

CACHE = Path(os.environ.get("TINYC_TEST_HOSTLIBS", Path(tempfile.gettempdir()) / "tinyc-test-hostlibs"))
_compile = tinyc.hostlib.compile_shared


@functools.cache
def _compiler_version() -> bytes:
    cc = shutil.which("cc") or shutil.which("gcc") or "gcc"
    return subprocess.run([cc, "--version"], capture_output=True).stdout


def _key(sources, include_dirs, options) -> str:
    h = hashlib.sha256(_compiler_version() + repr(options).encode())
    for s in sources:
        h.update(str(Path(s).name).encode() + b"\0" + Path(s).read_bytes())
    for d in include_dirs:
        for f in sorted(Path(d).rglob("*.h")):
            h.update(str(f.relative_to(d)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:24]


def compile_shared(sources, include_dirs, out, sanitize=False, opt="-O1", asan=False):
    key = _key(sources, include_dirs, (sanitize, opt, asan))
    hit = CACHE / f"{key}.so"
    if not hit.exists():
        _compile(sources, include_dirs, out, sanitize=sanitize, opt=opt, asan=asan)
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = CACHE / f"{key}.{os.getpid()}.part"
        shutil.copyfile(out, tmp)
        tmp.replace(hit)
        return out
    shutil.copyfile(hit, out)
    return out
