"""Byte pipes to a device: a serial port or QEMU's UART socket (pyserial), or the pipes of a
host-board program. Every transport has write(), read(timeout) and close()."""
from __future__ import annotations

import os
import select
import subprocess


class TransportClosed(Exception):
    """The other end went away (port unplugged, QEMU or the host program exited)."""


class Transport:
    """name says where the bytes go, for messages ("/dev/ttyACM0", "QEMU on 127.0.0.1:N")."""
    name = "device"

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def read(self, timeout: float) -> bytes:
        """What arrives within `timeout` seconds: returns as soon as some bytes are there,
        b"" on timeout."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class SerialTransport(Transport):
    """A pyserial port: a device path (`/dev/ttyACM0`) or any pyserial URL
    (`socket://127.0.0.1:N` for QEMU)."""

    def __init__(self, url: str, baud: int = 115200, name: str | None = None):
        import serial
        self.name = name or url
        self._serial_error = serial.SerialException
        try:
            self.port = serial.serial_for_url(url, baudrate=baud, timeout=0, write_timeout=10)
        except (serial.SerialException, OSError, ValueError) as e:
            raise TransportClosed(f"cannot open {url}: {e}") from None

    def write(self, data: bytes) -> None:
        try:
            self.port.write(data)
            self.port.flush()
        except (self._serial_error, OSError) as e:
            raise TransportClosed(str(e)) from None

    def read(self, timeout: float) -> bytes:
        try:
            self.port.timeout = max(timeout, 0)
            first = self.port.read(1)
            if not first:
                return b""
            self.port.timeout = 0
            return first + self.port.read(4096)
        except (self._serial_error, OSError) as e:
            raise TransportClosed(str(e)) from None

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:  # closing a dead port must not hide the real error
            pass


class PipeTransport(Transport):
    """A host-board program talking the protocol on its stdin/stdout."""

    def __init__(self, proc: subprocess.Popen, name: str = "host program"):
        self.proc = proc
        self.name = name
        self._out = proc.stdout.fileno()

    def write(self, data: bytes) -> None:
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise TransportClosed(f"{self.name} exited (code {self.proc.poll()})") from None

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self._out], [], [], max(timeout, 0))
        if not ready:
            return b""
        data = os.read(self._out, 65536)
        if not data:
            raise TransportClosed(f"{self.name} exited (code {self.proc.wait(timeout=5)})")
        return data

    def close(self) -> None:
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
