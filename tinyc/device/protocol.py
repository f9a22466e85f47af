"""The host side of the tinyc device protocol (firmware/runtime/protocol.h is the device side).

    frame = SOF(0xA5) LEN CMD SEQ PAYLOAD[LEN] CRC32(LEN CMD SEQ PAYLOAD, little-endian)

Replies carry CMD | 0x80 and the request's SEQ; errors are CMD 0xFF with [code, cmd].
This module only encodes and decodes; tinyc/device/client.py does the talking.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from tinyc.dtypes import BY_PROTOCOL

VERSION = 1
SOF = 0xA5
MAX_PAYLOAD = 255
OVERHEAD = 8
REPLY = 0x80

INFO, TENSOR, SET_INPUT, INVOKE, GET_OUTPUT, PROFILE, BOOT = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07
BUSY, HELLO, ERROR = 0x7D, 0x7E, 0x7F

ERR_CRC, ERR_UNKNOWN_CMD, ERR_BAD_ARG, ERR_INIT_FAILED = 1, 2, 3, 4
ERROR_NAMES = {ERR_CRC: "damaged frame", ERR_UNKNOWN_CMD: "unknown command",
               ERR_BAD_ARG: "argument out of range", ERR_INIT_FAILED: "tinyc_init() failed"}
# firmware/kernels/tinyc_kernel.h's tinyc_kernel_status (a test keeps both in step).
KERNEL_STATUS_NAMES = {0: "ok", 2: "scratch too small", 3: "bad parameters"}
NO_OP = 0xFFFF          # INVOKE's failed op when the backend cannot tell which op failed
CMD_NAMES = {INFO: "INFO", TENSOR: "TENSOR", SET_INPUT: "SET_INPUT", INVOKE: "INVOKE",
             GET_OUTPUT: "GET_OUTPUT", PROFILE: "PROFILE", BOOT: "BOOT", BUSY: "BUSY", HELLO: "HELLO",
             ERROR: "ERROR"}

SET_INPUT_CHUNK = MAX_PAYLOAD - 5      # [index, offset u32, data]
GET_OUTPUT_CHUNK = MAX_PAYLOAD         # reply is all data
PROFILE_CHUNK = MAX_PAYLOAD // 10      # [op u16, count u64] per op

DTYPES = {code: d.name for code, d in BY_PROTOCOL.items()}


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def encode(cmd: int, seq: int, payload: bytes = b"") -> bytes:
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    body = bytes([len(payload), cmd, seq & 0xFF]) + payload
    return bytes([SOF]) + body + struct.pack("<I", crc32(body))


@dataclass(frozen=True)
class Frame:
    cmd: int
    seq: int
    payload: bytes


class FrameDecoder:
    """Incremental decoder: feed() bytes, get whole frames out. Bytes before a SOF are
    skipped; a frame whose CRC fails is counted in `bad_frames` and dropped, and scanning
    resumes one byte after its SOF (so a SOF inside garbage cannot hide a real frame)."""

    def __init__(self):
        self.buf = bytearray()
        self.bad_frames = 0

    def feed(self, data: bytes) -> list[Frame]:
        self.buf += data
        frames = []
        while True:
            start = self.buf.find(SOF)
            if start < 0:
                self.buf.clear()
                return frames
            del self.buf[:start]
            if len(self.buf) < 4:
                return frames
            n = self.buf[1]
            if len(self.buf) < n + OVERHEAD:
                return frames
            body = bytes(self.buf[1:4 + n])
            (crc,) = struct.unpack_from("<I", self.buf, 4 + n)
            if crc == crc32(body):
                frames.append(Frame(cmd=body[1], seq=body[2], payload=body[3:]))
                del self.buf[:n + OVERHEAD]
            else:
                self.bad_frames += 1
                del self.buf[:1]

    def pending(self) -> int:
        return len(self.buf)


@dataclass(frozen=True)
class TensorInfo:
    dtype: str
    shape: tuple[int, ...]
    bytes: int
    scale: float
    zero_point: int

    def to_json(self) -> dict:
        return {"dtype": self.dtype, "shape": list(self.shape), "bytes": self.bytes,
                "scale": self.scale, "zero_point": self.zero_point}


@dataclass(frozen=True)
class DeviceInfo:
    """What INFO and TENSOR tell about the program on the device. counter_num/den convert
    raw counts to `counter_unit` (raw * num / den), done by the client."""
    protocol_version: int
    init_ok: bool
    backend: str
    board: str
    model_sha256: str
    arena_bytes: int
    n_ops: int
    counter_unit: str
    counter_num: int
    counter_den: int
    profile_max_ops: int
    inputs: tuple[TensorInfo, ...] = ()
    outputs: tuple[TensorInfo, ...] = ()
    # The runtime's own figure (TFLM's arena_used_bytes()), when the firmware reports one:
    # an optional u32 after INFO's strings; None from older firmware and other backends.
    runtime_arena_used_bytes: int | None = None
    # Changes whenever the board restarts (also in its boot HELLO, and the BOOT command's
    # answer); None from older firmware, which the client then cannot watch for restarts.
    boot_id: int | None = None
    # What tinyc_selfcheck() found at boot: "ok", "failed" (the weights' CRC-32 differs from
    # the compile-time one), "not checked" (no selfcheck in this backend); None from older
    # firmware.
    selfcheck: str | None = None

    def to_json(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["inputs"] = [t.to_json() for t in self.inputs]
        d["outputs"] = [t.to_json() for t in self.outputs]
        return d


def parse_info(p: bytes) -> tuple[DeviceInfo, int, int]:
    """INFO reply -> (DeviceInfo without tensors, n_inputs, n_outputs)."""
    version = p[0]
    if version != VERSION:
        raise ValueError(f"protocol version {version}")
    init_status, n_in, n_out, n_ops, arena = struct.unpack_from("<BBBHI", p, 1)
    sha = p[10:42].hex()
    num, den, prof_max = struct.unpack_from("<IIH", p, 42)
    pos = 52
    strings = []
    for _ in range(3):
        n = p[pos]
        strings.append(p[pos + 1:pos + 1 + n].decode("utf-8", "replace"))
        pos += 1 + n
    # Optional trailing u32s: the runtime's arena figure (0xFFFFFFFF: none), then the boot id.
    used = struct.unpack_from("<I", p, pos)[0] if len(p) >= pos + 4 else _NO_FIGURE
    boot = struct.unpack_from("<I", p, pos + 4)[0] if len(p) >= pos + 8 else None
    check = SELFCHECK_NAMES.get(p[pos + 8], "unknown") if len(p) >= pos + 9 else None
    info = DeviceInfo(protocol_version=version, init_ok=init_status == 0, backend=strings[0],
                      board=strings[1], model_sha256=sha, arena_bytes=arena, n_ops=n_ops,
                      counter_unit=strings[2], counter_num=num, counter_den=den or 1,
                      profile_max_ops=prof_max,
                      runtime_arena_used_bytes=None if used == _NO_FIGURE else used,
                      boot_id=boot, selfcheck=check)
    return info, n_in, n_out


_NO_FIGURE = 0xFFFFFFFF
# INFO's optional last byte (firmware/runtime/protocol.h, PROTO_SELFCHECK_*)
SELFCHECK_NAMES = {0: "not checked", 1: "ok", 2: "failed"}


def parse_hello(p: bytes) -> int | None:
    """HELLO payload -> the boot id (None from older firmware, which sends [version] only)."""
    return struct.unpack_from("<I", p, 1)[0] if len(p) >= 5 else None


def parse_boot(p: bytes) -> int:
    """BOOT reply -> the boot id."""
    (boot,) = struct.unpack("<I", p)
    return boot


def parse_tensor(p: bytes) -> TensorInfo:
    dtype, ndim = p[0], p[1]
    dims = struct.unpack_from(f"<{ndim}i", p, 2)
    nbytes, scale, zp = struct.unpack_from("<Ifi", p, 2 + 4 * ndim)
    return TensorInfo(dtype=DTYPES.get(dtype, f"dtype{dtype}"), shape=tuple(dims), bytes=nbytes,
                      scale=scale, zero_point=zp)
