"""QEMU for the emulated boards: started with its UART on a free loopback port, always stopped.

    with Qemu(board, elf) as q:
        url = q.url            # "socket://127.0.0.1:NNNNN", for SerialTransport

QEMU runs in its own session; on exit (errors, Ctrl-C, and SIGTERM/SIGHUP, which tinyc's main
turns into an exception) the whole process group is signalled. On Linux the kernel kills QEMU
when tinyc dies, even by SIGKILL (lifeline.py); elsewhere it runs under `timeout` and dies after
`lifetime` seconds.
"""
from __future__ import annotations

import collections
import os
import re
import select
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from tinyc.boards import Board
from tinyc.device.lifeline import die_with_parent
from tinyc.errors import TinycError

QEMU = "qemu-system-arm"
_PORT_RE = re.compile(r"waiting for connection on: \S*tcp:127\.0\.0\.1:(\d+)")


def qemu_command(board: Board, elf: str | Path) -> list[str]:
    q = board.qemu
    return [QEMU, "-M", q["machine"], "-nographic", "-monitor", "none",
            "-icount", f"shift={int(q.get('icount_shift', 6))},sleep=off", "-kernel", str(elf),
            "-serial", "tcp:127.0.0.1:0,server=on,wait=on,nodelay=on"]


class Qemu:
    def __init__(self, board: Board, elf: str | Path, lifetime: float = 1800,
                 start_timeout: float = 10):
        if not board.qemu:
            raise TinycError(f"board {board.id} is not emulated: give the serial port of a "
                             "real board with --port")
        self.board, self.elf = board, Path(elf)
        self.lifetime, self.start_timeout = lifetime, start_timeout
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        self._drain: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def __enter__(self) -> "Qemu":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        if not self.elf.is_file():
            raise TinycError(f"no firmware at {self.elf}: build it first")
        if shutil.which(QEMU) is None:
            raise TinycError(f"{QEMU} is not installed (apt install qemu-system-arm)", 1)
        cmd = qemu_command(self.board, self.elf)
        lifeline = die_with_parent()
        if lifeline is None:
            cmd = ["timeout", "--kill-after=5", str(int(self.lifetime)), *cmd]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True,
                                     preexec_fn=lifeline)
        self.port = self._wait_for_port()
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drain.start()

    def _wait_for_port(self) -> int:
        fd = self.proc.stderr.fileno()
        deadline = time.monotonic() + self.start_timeout
        text = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            text += chunk
            m = _PORT_RE.search(text.decode("utf-8", "replace"))
            if m:
                self.stderr_tail.extend(text.decode("utf-8", "replace").splitlines())
                return int(m.group(1))
        last = [ln for ln in text.decode("utf-8", "replace").splitlines() if ln.strip()]
        why = last[-1].strip() if last else f"no serial port announced within {self.start_timeout:.0f} s"
        raise TinycError(f"QEMU ({self.board.qemu['machine']}) did not start: {why}", 1)

    def _drain_stderr(self) -> None:
        for line in iter(self.proc.stderr.readline, b""):
            self.stderr_tail.append(line.decode("utf-8", "replace").rstrip())

    def stop(self) -> None:
        """Ends QEMU (and the `timeout` wrapper, if any: its process group); safe to call twice.
        The group leader stays unreaped until the group is gone, so its id cannot have been
        reused by an unrelated process when we signal it."""
        p = self.proc
        if p is None:
            return
        if p.returncode is None:
            _signal_group(p.pid, signal.SIGTERM)
            if not _exited_within(p.pid, 3.0):
                _signal_group(p.pid, signal.SIGKILL)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self._drain is not None:
            self._drain.join(timeout=2)
        p.stderr.close()
        self.proc = None


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _exited_within(pid: int, seconds: float) -> bool:
    """True once `pid` has exited, without reaping it."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
