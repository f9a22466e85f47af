"""TFLM reference results kept on disk: the kernel tables ask the interpreter the same question
(same model bytes, same inputs) on every run, and each answer costs a child process. conftest
wraps tinyc.reference._in_child with this cache.

The key is the question in full (job, model bytes, pickled arguments), the tflite-micro wheel's
version and tinyc/reference.py itself; the answer is what the interpreter returned. A refusal
or a crash raises, and is never cached: it is asked again each time.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import tempfile
from pathlib import Path

import tinyc.reference

CACHE = Path(os.environ.get("TINYC_TEST_REFERENCE", Path(tempfile.gettempdir()) / "tinyc-test-reference"))
_ask = tinyc.reference._in_child
_VERSION = (importlib.metadata.version("tflite_micro").encode()
            + Path(tinyc.reference.__file__).read_bytes())


def in_child(path, job, *args, timeout):
    h = hashlib.sha256(_VERSION)
    h.update(job.encode() + b"\0" + Path(path).read_bytes())
    h.update(pickle.dumps(args, protocol=4))
    hit = CACHE / f"{h.hexdigest()[:32]}.pickle"
    if hit.exists():
        return pickle.loads(hit.read_bytes())
    value = _ask(path, job, *args, timeout=timeout)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = hit.with_suffix(f".{os.getpid()}.part")
    tmp.write_bytes(pickle.dumps(value, protocol=4))
    tmp.replace(hit)
    return value
