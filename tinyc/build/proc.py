"""Build tools run in their own process group, so stopping tinyc stops every compiler it
started (a signal to tinyc alone would leave `make` and `cc` writing into a deleted folder).

    run_group(cmd, timeout) -> subprocess.CompletedProcess   (text output captured)
    kill_group(proc)
"""
from __future__ import annotations

import os
import signal
import subprocess


def run_group(cmd: list[str], timeout: float, **kw) -> subprocess.CompletedProcess:
    """subprocess.run(cmd, capture_output=True, text=True, timeout=timeout) whose whole
    process group is killed on a timeout, Ctrl-C or any exception."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True, **kw)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        kill_group(proc)
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=10)
