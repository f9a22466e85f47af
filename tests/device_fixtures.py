"""Shared by the firmware and device tests: the plus-one fixture model built for a board, and
a transport that damages traffic on purpose."""
from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

from tinyc.boards import get_board
from tinyc.build.cmake import compile_project, write_project
from tinyc.device.transport import Transport

FIXTURE = Path(__file__).parent / "fixtures" / "plus_one_model.c"
FIXTURE_SHA256 = hashlib.sha256(b"plus_one").hexdigest()
N = 1000


def have_cross_tools() -> bool:
    return all(shutil.which(t) for t in ("arm-none-eabi-gcc", "qemu-system-arm", "cmake"))


def build_fixture(out: Path, board_id: str, defines: dict | None = None, **kw):
    board = get_board(board_id)
    write_project(out, board, [FIXTURE],
                  defines={"TINYC_FIXTURE_BOARD": f'"{board.id}"', **(defines or {})}, **kw)
    return compile_project(out, board)


def sample(seed: int) -> tuple[bytes, bytes]:
    data = random.Random(seed).randbytes(N)
    return data, bytes((b + 1) & 0xFF for b in data)


class FaultyTransport(Transport):
    """Wraps a transport; in each direction, every 256 bytes (so a frame, however the link
    splits it) are hit by one of `faults` with probability `p`: drop a byte, flip a bit,
    garbage (with start bytes in it) before the data, truncate, or `silent` (nothing goes
    through at all)."""

    FAULTS = ("drop", "flip", "garbage", "truncate")

    def __init__(self, inner: Transport, seed: int, p: float = 0.2, faults=FAULTS,
                 silent: bool = False):
        self.inner, self.rng, self.p, self.faults, self.silent = inner, random.Random(seed), p, \
            faults, silent
        self.name = f"faulty({inner.name})"
        self.injected = 0

    def _damage(self, data: bytes) -> bytes:
        if not data or self.rng.random() >= 1 - (1 - self.p) ** (len(data) / 256):
            return data
        self.injected += 1
        b = bytearray(data)
        kind = self.rng.choice(self.faults)
        i = self.rng.randrange(len(b))
        if kind == "drop":
            del b[i]
        elif kind == "flip":
            b[i] ^= 1 << self.rng.randrange(8)
        elif kind == "garbage":
            junk = bytearray(self.rng.randbytes(self.rng.randrange(1, 12)))
            junk[self.rng.randrange(len(junk))] = 0xA5
            b = junk + b
        else:
            del b[i:]
        return bytes(b)

    def write(self, data: bytes) -> None:
        if not self.silent:
            self.inner.write(self._damage(data))

    def read(self, timeout: float) -> bytes:
        data = self.inner.read(timeout)
        return b"" if self.silent else self._damage(data)

    def close(self) -> None:
        self.inner.close()


class RestartingTransport(Transport):
    """A host program that restarts (a new process: fresh RAM, a new boot HELLO) just before
    chosen frames reach it: `before` maps a command to the 1-based counts of its frames that
    find a freshly booted board (resends count too). hide_hello drops the boot HELLO of every
    restart, as a lossy link would."""

    def __init__(self, elf, before: dict[int, set[int]], hide_hello: bool = False):
        self.elf, self.before, self.hide_hello = elf, before, hide_hello
        self.seen = {cmd: 0 for cmd in before}
        self.restarts = 0
        self._start()

    def _start(self):
        import subprocess
        from tinyc.device.transport import PipeTransport
        self.proc = subprocess.Popen([str(self.elf)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.pipe = PipeTransport(self.proc, name=f"restarting host program {self.elf.name}")
        self.name = self.pipe.name
        self._skip_hello = self.hide_hello and self.restarts > 0

    def _stop(self):
        self.pipe.close()
        self.proc.kill()
        self.proc.wait(timeout=10)

    def write(self, data: bytes) -> None:
        from tinyc.device import protocol as P
        for f in P.FrameDecoder().feed(data):
            if f.cmd in self.seen:
                self.seen[f.cmd] += 1
                if self.seen[f.cmd] in self.before[f.cmd]:
                    self._stop()
                    self.restarts += 1
                    self._start()
        self.pipe.write(data)

    def read(self, timeout: float) -> bytes:
        data = self.pipe.read(timeout)
        if self._skip_hello and data:
            from tinyc.device import protocol as P
            hello = P.FrameDecoder().feed(data)
            if hello and hello[0].cmd == P.HELLO:
                data = data[len(P.encode(P.HELLO, 0, hello[0].payload)):]
                self._skip_hello = False
        return data

    def close(self) -> None:
        self._stop()


def patch_restarts(before: dict[int, set[int]], hide_hello: bool = False) -> None:
    """Makes every host program tinyc starts in this process a RestartingTransport (for tests
    that run the CLI in a child process: `python -c "...; patch_restarts(...); main()"`)."""
    import contextlib
    from pathlib import Path
    from tinyc.device import client

    @contextlib.contextmanager
    def restarting(elf):
        t = RestartingTransport(Path(elf), before, hide_hello)
        try:
            yield t
        finally:
            t.close()

    client._host_program = restarting
