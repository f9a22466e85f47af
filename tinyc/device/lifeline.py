"""Child processes (QEMU, host programs) that cannot outlive tinyc.

On Linux the child asks the kernel for SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG),
so even a SIGKILL of tinyc, which runs no cleanup, takes QEMU with it."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

_PR_SET_PDEATHSIG = 1
_SIGKILL = 9


def die_with_parent():
    """A preexec_fn for subprocess.Popen, or None where the kernel offers no such request.

    The signal follows the death of the thread that started the child: start it from a
    thread that lives as long as the child should (tinyc's main thread)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    parent = os.getpid()

    def preexec():
        if libc.prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0) != 0:
            os._exit(127)
        if os.getppid() != parent:   # the parent died before the request took effect
            os._exit(127)
    return preexec
