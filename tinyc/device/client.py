"""The protocol client: one Device over any transport, and open_device() which starts what
the board needs (QEMU, the host program, or a real serial port) and always stops it.

    with open_device(board, elf=path, port=None) as dev:
        dev.check_model(sha256_hex)          # refuses a device built from another model
        dev.set_input(0, data)               # bytes, exactly the tensor's size
        count = dev.invoke(profile=True)     # in dev.info().counter_unit ("instructions" ...)
        out = dev.get_output(0)              # bytes
        per_op = dev.profile()               # list[int], one per op, of the last invoke
        res = dev.infer([data], label="sample 3")   # all of the above, safe against restarts

Every request is retried on damaged or lost frames (the device answers a resent request
from its cache, so nothing runs twice); a damaged frame is never taken as an answer; every
wait is bounded, and a silent board ends in one clear TinycError. A board that restarts (its
boot HELLO mid-session, or a changed boot id) raises BoardRestarted: nothing is taken across a
restart; infer() re-sends the sample instead.
"""
from __future__ import annotations

import contextlib
import random
import struct
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from tinyc.boards import Board
from tinyc.device import protocol as P
from tinyc.device.lifeline import die_with_parent
from tinyc.device.qemu import Qemu, _exited_within, _signal_group
from tinyc.device.transport import PipeTransport, SerialTransport, Transport, TransportClosed
from tinyc.errors import TinycError

_RESYNC = bytes(P.MAX_PAYLOAD + P.OVERHEAD)   # zeros: completes any half-read frame


class _Retry(Exception):
    pass


class BoardRestarted(TinycError):
    """The board booted again mid-session: its inputs, outputs and profile are gone."""


class InvokeFailed(TinycError):
    """tinyc_invoke() failed on the board: op_index (None when the backend cannot tell) and
    the kernel's status."""

    def __init__(self, where: str, status: int, op_index: int | None, kernel_status: int | None):
        self.where, self.status = where, status
        self.op_index, self.kernel_status = op_index, kernel_status
        super().__init__(self.describe(), 1)

    def describe(self, opcode: str = "") -> str:
        if self.op_index is None:
            return (f"tinyc_invoke() returned error status {self.status} on the board on "
                    f"{self.where} (its backend does not say which op failed)")
        name = P.KERNEL_STATUS_NAMES.get(self.kernel_status, "unknown status")
        return (f"op {self.op_index}{' ' + opcode if opcode else ''} failed on the board "
                f"(status {self.kernel_status}: {name}): tinyc should have refused this model "
                "at compile time; please report it with the model and the board")


class Inference(NamedTuple):
    count: int                  # in info().counter_unit
    outputs: list[bytes]
    profile: list[int] | None   # per op, with profile=True


class Device:
    """A tinyc program on a board, reached through `transport`.

    timeout: seconds to wait for an answer (INVOKE gets invoke_timeout); retries: resends of
    one request after a damaged, lost or missing answer. hint: what to tell a person whose
    board does not answer at all."""

    def __init__(self, transport: Transport, *, timeout: float = 3.0, retries: int = 4,
                 invoke_timeout: float = 600.0, hint: str = ""):
        self.t = transport
        self.timeout, self.retries, self.invoke_timeout = timeout, retries, invoke_timeout
        self.hint = hint
        self.decoder = P.FrameDecoder()
        self.seq = random.randrange(256)
        self.stats = {"requests": 0, "retries": 0, "bad_frames": 0, "bytes_out": 0,
                      "bytes_in": 0}
        self._info: P.DeviceInfo | None = None
        self._n_profiled = None
        self._model_sha256: str | None = None
        self.restarts = 0

    # --- the commands -----------------------------------------------------------------
    def info(self, refresh: bool = False) -> P.DeviceInfo:
        """Protocol version, backend, board, model SHA-256, arena, ops, tensors, counter."""
        if self._info is None or refresh:
            reply = self.request(P.INFO)
            if reply[:1] != bytes([P.VERSION]):
                got = reply[0] if reply else "?"
                raise TinycError(f"the board on {self.t.name} speaks protocol version {got}, this "
                                 f"tinyc speaks {P.VERSION}: rebuild and reflash it", 1)
            try:
                info, n_in, n_out = P.parse_info(reply)
                ins = tuple(P.parse_tensor(self.request(P.TENSOR, bytes([0, i])))
                            for i in range(n_in))
                outs = tuple(P.parse_tensor(self.request(P.TENSOR, bytes([1, i])))
                             for i in range(n_out))
            except (IndexError, struct.error, ValueError):
                raise TinycError(f"the board on {self.t.name} sent a malformed INFO answer", 1) \
                    from None
            self._info = P.DeviceInfo(**{**info.__dict__, "inputs": ins, "outputs": outs})
        return self._info

    def check_model(self, sha256: str) -> None:
        """Refuses (TinycError) a device whose program was built from another model."""
        self._model_sha256 = sha256
        have = self.info().model_sha256
        if have.lower() != sha256.lower():
            raise TinycError(f"the board on {self.t.name} runs model {have[:12]}…, not "
                             f"{sha256[:12]}…: build and flash this model first", 1)

    def set_input(self, index: int, data: bytes) -> None:
        tensor = self._tensor("input", self.info().inputs, index)
        data = bytes(data)
        if len(data) != tensor.bytes:
            raise TinycError(f"input {index} takes {tensor.bytes} bytes, got {len(data)}")
        for off in range(0, len(data), P.SET_INPUT_CHUNK):
            chunk = data[off:off + P.SET_INPUT_CHUNK]
            self.request(P.SET_INPUT, bytes([index]) + struct.pack("<I", off) + chunk)

    def invoke(self, profile: bool = False, reset_state: bool = False) -> int:
        """Runs the model once; returns the count in info().counter_unit (instructions under
        QEMU, cycles with DWT, ns on the host). With profile=True the device also records
        per-op counts for profile() (the hook adds a few instructions per op); with
        reset_state=True it first resets the model's variable tensors (a sequence starts)."""
        self.info()
        flags = (1 if profile else 0) | (2 if reset_state else 0)
        reply = self.request(P.INVOKE, bytes([flags]),
                             busy_timeout=self.invoke_timeout)
        if len(reply) not in (11, 17):
            raise TinycError(f"the board on {self.t.name} sent a malformed INVOKE answer", 1)
        status, raw, n = struct.unpack_from("<BQH", reply)
        if status != 0:
            op, kernel_status = struct.unpack_from("<Hi", reply, 11) if len(reply) == 17 \
                else (P.NO_OP, None)
            raise InvokeFailed(self.t.name, status, None if op == P.NO_OP else op, kernel_status)
        self._n_profiled = n if profile else None
        return self._to_unit(raw)

    def get_output(self, index: int) -> bytes:
        tensor = self._tensor("output", self.info().outputs, index)
        out = bytearray()
        while len(out) < tensor.bytes:
            n = min(P.GET_OUTPUT_CHUNK, tensor.bytes - len(out))
            chunk = self.request(P.GET_OUTPUT, bytes([index]) + struct.pack("<IB", len(out), n))
            if len(chunk) != n:
                raise TinycError(f"the board on {self.t.name} sent {len(chunk)} output bytes "
                                 f"for {n} asked", 1)
            out += chunk
        return bytes(out)

    def profile(self) -> list[int]:
        """Per-op counts of the last invoke(profile=True), one per op index (ops that did not
        report get 0; each reported op also carries any unreported op before it)."""
        if self._n_profiled is None:
            raise TinycError("no profile: the last invoke was not run with profile=True")
        entries = []
        for first in range(0, self._n_profiled, P.PROFILE_CHUNK):
            n = min(P.PROFILE_CHUNK, self._n_profiled - first)
            reply = self.request(P.PROFILE, struct.pack("<HB", first, n))
            if len(reply) != 10 * n:
                raise TinycError(f"the board on {self.t.name} sent a malformed PROFILE answer", 1)
            entries += [struct.unpack_from("<HQ", reply, 10 * i) for i in range(n)]
        counts = [0] * self.info().n_ops
        prev = 0
        for op, raw in entries:
            cum = self._to_unit(raw)
            if op >= len(counts):
                counts += [0] * (op + 1 - len(counts))
            counts[op] += cum - prev
            prev = cum
        return counts

    def check_boot(self) -> None:
        """Raises BoardRestarted if the board booted again since info() (no-op with older
        firmware, which reports no boot id)."""
        known = self.info().boot_id
        if known is None:
            return
        try:
            now = P.parse_boot(self.request(P.BOOT))
        except struct.error:
            raise TinycError(f"the board on {self.t.name} sent a malformed BOOT answer", 1) \
                from None
        if now != known:
            raise BoardRestarted(f"the board on {self.t.name} restarted (boot id {known:#010x} "
                                 f"became {now:#010x})", 1)

    def infer(self, inputs: list[bytes], profile: bool = False, label: str = "an inference",
              attempts: int = 3, reset_state: bool = False, resumable: bool = True) -> Inference:
        """Sets the inputs, invokes, reads every output (and the profile): a result only if the
        board did not restart from the first input byte to the last output byte. After a
        restart the whole sample is sent again, `attempts` times at most; unless it is not
        `resumable` (it needs the state earlier samples left, which a restart lost).
        reset_state: reset the model's state first (the first sample of a sequence)."""
        for _ in range(attempts):
            try:
                for i, data in enumerate(inputs):
                    self.set_input(i, data)
                count = self.invoke(profile=profile, reset_state=reset_state)
                outs = [self.get_output(i) for i in range(len(self.info().outputs))]
                prof = self.profile() if profile else None
                self.check_boot()
                return Inference(count, outs, prof)
            except BoardRestarted:
                self._after_restart()
                if not resumable:
                    raise TinycError(f"the board on {self.t.name} restarted during {label}; "
                                     "the model keeps state between invokes, which the restart "
                                     "lost, so the sequence cannot go on: run it again", 1) \
                        from None
        raise TinycError(f"the board on {self.t.name} restarted during {label}, {attempts} "
                         "times in a row; no result was taken from it: check its power supply "
                         "and what resets it (watchdog, brown-out, a crash in the model)", 1)

    def _after_restart(self) -> None:
        self.restarts += 1
        self._info, self._n_profiled = None, None
        self._resync()
        if self._model_sha256:
            self.check_model(self._model_sha256)
        if not self.info().init_ok:
            raise TinycError(f"the board on {self.t.name} restarted and its model did not "
                             "initialise again (tinyc_init failed)", 1)

    # --- the exchange ------------------------------------------------------------------
    def request(self, cmd: int, payload: bytes = b"", timeout: float | None = None,
                busy_timeout: float | None = None) -> bytes:
        """Sends one request and returns the payload of its answer, retrying on damage.
        Waits `timeout` for an answer, or `busy_timeout` once the device has said BUSY."""
        timeout = self.timeout if timeout is None else timeout
        self.seq = (self.seq + 1) & 0xFF
        frame = P.encode(cmd, self.seq, payload)
        self.stats["requests"] += 1
        heard = False
        start = time.monotonic()
        for attempt in range(self.retries + 1):
            if attempt:
                self.stats["retries"] += 1
                heard |= self._resync()
            try:
                self._write(frame)
                return self._await(frame, cmd, self.seq, timeout, busy_timeout or timeout)
            except _Retry as r:
                heard |= bool(r.args[0])
            if not heard and attempt >= 2:
                break   # silent through two resyncs and three tries: not a damaged link
        waited = time.monotonic() - start
        name = P.CMD_NAMES.get(cmd, hex(cmd))
        if not heard:
            raise TinycError(f"no answer from the board on {self.t.name} within {waited:.0f} s"
                             f"{': ' + self.hint if self.hint else ''}", 1)
        raise TinycError(f"no valid answer to {name} from the board on {self.t.name} after "
                         f"{self.retries + 1} tries in {waited:.0f} s ({self.stats['bad_frames']} "
                         "damaged frames): check the cable, the baud rate and that nothing else "
                         "uses the port", 1)

    def _await(self, frame: bytes, cmd: int, seq: int, timeout: float,
               busy_timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        heard = busy = False
        probe_every = timeout
        last_byte = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= deadline:
                raise _Retry(heard)
            if busy and now - last_byte >= probe_every:
                # Still running, or its answer was lost: ask again. A busy device reads the
                # copy later and answers it from its cache; backing off keeps the copies
                # within a small UART FIFO.
                self._write(frame)
                last_byte, probe_every = now, probe_every * 2
            data = self._read(min(deadline - now, 0.25))
            if not data:
                continue
            heard = True
            last_byte = time.monotonic()
            bad_before = self.decoder.bad_frames
            frames = self.decoder.feed(data)
            self.stats["bad_frames"] += self.decoder.bad_frames - bad_before
            for f in frames:
                if f.cmd == cmd | P.REPLY and f.seq == seq:
                    return f.payload
                if f.cmd == P.BUSY | P.REPLY and f.seq == seq and not busy:
                    busy = True
                    deadline = time.monotonic() + busy_timeout
                if f.cmd == P.HELLO:
                    self._on_hello(f.payload)
                if f.cmd == P.ERROR | P.REPLY and len(f.payload) == 2:
                    code, about = f.payload
                    if code == P.ERR_CRC:
                        raise _Retry(True)
                    if f.seq == seq and about == cmd:
                        raise TinycError(f"the board refused {P.CMD_NAMES.get(cmd, hex(cmd))}: "
                                         f"{P.ERROR_NAMES.get(code, f'error {code}')}", 1)
                # anything else is stale (an earlier try): ignored

    def _on_hello(self, payload: bytes) -> None:
        """A boot HELLO: the one of this boot before the first INFO, else a restart."""
        known = self._info.boot_id if self._info is not None else None
        if known is not None and P.parse_hello(payload) != known:
            raise BoardRestarted(f"the board on {self.t.name} restarted (it sent its boot "
                                 "HELLO mid-session)", 1)

    def _resync(self) -> bool:
        """Pushes the device back to hunting for a start byte and drops whatever is in
        flight. Returns True if the device sent anything meanwhile."""
        heard = False
        self._write(_RESYNC)
        deadline = time.monotonic() + 2.0
        quiet_until = time.monotonic() + 0.15
        while time.monotonic() < min(deadline, quiet_until):
            if self._read(0.05):
                heard = True
                quiet_until = time.monotonic() + 0.15
        self.decoder = P.FrameDecoder()
        return heard

    def _write(self, data: bytes) -> None:
        try:
            self.t.write(data)
        except TransportClosed as e:
            raise TinycError(f"lost the connection to the board on {self.t.name}: {e}", 1) from None
        self.stats["bytes_out"] += len(data)

    def _read(self, timeout: float) -> bytes:
        try:
            data = self.t.read(timeout)
        except TransportClosed as e:
            raise TinycError(f"lost the connection to the board on {self.t.name}: {e}", 1) from None
        self.stats["bytes_in"] += len(data)
        return data

    def _to_unit(self, raw: int) -> int:
        i = self._info
        return (2 * raw * i.counter_num + i.counter_den) // (2 * i.counter_den)

    def _tensor(self, kind: str, tensors, index: int) -> P.TensorInfo:
        if not 0 <= index < len(tensors):
            raise TinycError(f"the model has {len(tensors)} {kind}s; there is no {kind} {index}")
        return tensors[index]


@contextlib.contextmanager
def open_device(board: Board, elf: str | Path | None = None, port: str | None = None, *,
                timeout: float = 3.0, retries: int = 4, baud: int | None = None):
    """A connected Device for `board`, after the INFO handshake.

    port: a real board's serial port (or any pyserial URL); otherwise the board's program
    `elf` is run: under QEMU for emulated boards, as a child process for the host board.
    Whatever was started is stopped on leaving the block, errors and Ctrl-C included."""
    with contextlib.ExitStack() as stack:
        if port:
            t = _open_serial(port, port, baud or int(board.uart.get("baud", 115200)))
            hint = f"is it flashed with a tinyc build? `tinyc flash --board {board.id} --port {port}`"
        elif elf is None:
            raise TinycError(f"board {board.id}: give a serial port (--port) or a built program")
        elif board.is_host:
            t = stack.enter_context(_host_program(Path(elf)))
            hint = f"the host program {elf} does not speak the tinyc protocol"
        elif board.qemu:
            q = stack.enter_context(Qemu(board, elf))
            t = _open_serial(q.url, f"QEMU {board.qemu['machine']} (127.0.0.1:{q.port})")
            hint = f"is {elf} a tinyc build for {board.id}?"
        else:
            raise TinycError(f"board {board.id} is a real board: give its serial port with --port")
        stack.callback(t.close)
        dev = Device(t, timeout=timeout, retries=retries, hint=hint)
        dev.info()
        yield dev


def _open_serial(url: str, name: str, baud: int = 115200) -> SerialTransport:
    try:
        return SerialTransport(url, baud, name=name)
    except TransportClosed as e:
        raise TinycError(f"cannot connect to {name}: {e}", 1) from None


@contextlib.contextmanager
def _host_program(elf: Path):
    if not elf.is_file():
        raise TinycError(f"no program at {elf}: build it first")
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen([str(elf)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=err, start_new_session=True, preexec_fn=die_with_parent())
    try:
        yield PipeTransport(proc, name=f"host program {elf.name} (pid {proc.pid})")
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
        if not _exited_within(proc.pid, 2.0):
            _signal_group(proc.pid, 9)
        proc.wait(timeout=10)
        proc.stdout.close()
        err.close()
