"""The protocol under damage: frames, the decoder, and a whole session through a transport
that drops bytes, flips bits, puts garbage before frames, truncates them, or goes silent.
No damaged answer may ever be taken, and every failure must end in one clear TinycError
after a bounded number of tries (counted, never timed)."""
import contextlib
import struct
import time

import pytest

from tests.device_fixtures import FIXTURE_SHA256, FaultyTransport, build_fixture, \
    have_cross_tools, sample
from tinyc.boards import get_board
from tinyc.device import protocol as P
from tinyc.device.client import Device, _host_program
from tinyc.device.qemu import Qemu
from tinyc.device.transport import SerialTransport
from tinyc.errors import TinycError


@pytest.fixture(scope="module")
def host_elf(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("host"), "host").elf


@contextlib.contextmanager
def faulty_device(elf, seed, timeout=0.25, retries=8, **faults):
    with _host_program(elf) as pipe:
        t = FaultyTransport(pipe, seed, **faults)
        yield Device(t, timeout=timeout, retries=retries, hint="test"), t


# --- frames --------------------------------------------------------------------------
def test_frame_round_trip_and_garbage():
    frames = [P.encode(P.INFO, 1), P.encode(P.SET_INPUT, 255, bytes(range(255)))]
    d = P.FrameDecoder()
    got = d.feed(b"\x00\xa5\x07junk" + frames[0] + b"\xa5" + frames[1])
    assert [(f.cmd, f.seq, f.payload) for f in got][-2:] == \
        [(P.INFO, 1, b""), (P.SET_INPUT, 255, bytes(range(255)))]


def test_every_single_bit_flip_is_rejected():
    frame = P.encode(P.GET_OUTPUT | P.REPLY, 9, bytes(range(40)))
    for i in range(len(frame)):
        for bit in range(8):
            bad = bytearray(frame)
            bad[i] ^= 1 << bit
            d = P.FrameDecoder()
            assert all(f.payload == bytes(range(40)) and f.seq == 9
                       for f in d.feed(bytes(bad)) + d.feed(bytes(300))) or False
            assert not [f for f in P.FrameDecoder().feed(bytes(bad) + bytes(300))]


def test_every_truncation_is_rejected():
    frame = P.encode(P.INVOKE | P.REPLY, 3, struct.pack("<BQH", 0, 1234, 0))
    for n in range(len(frame)):
        assert P.FrameDecoder().feed(frame[:n]) == []


def test_payload_limit():
    with pytest.raises(ValueError):
        P.encode(P.SET_INPUT, 0, bytes(256))


# --- a session through damage (host program over pipes: fast) --------------------------
@pytest.mark.parametrize("fault", FaultyTransport.FAULTS)
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.fast_first
def test_session_survives_damage(host_elf, fault, seed):
    with faulty_device(host_elf, seed, p=0.1, faults=(fault,)) as (dev, t):
        dev.check_model(FIXTURE_SHA256)
        for k in range(3):
            data, want = sample(100 * seed + k)
            dev.set_input(0, data)
            dev.invoke()
            assert dev.get_output(0) == want      # never a damaged answer
        assert t.injected > 0 or fault == "truncate"


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.slow
def test_mixed_damage_never_gives_a_wrong_answer(host_elf, seed):
    """Heavy damage: each call either returns the right bytes or raises a clear error."""
    with faulty_device(host_elf, seed, p=0.5, retries=3) as (dev, _):
        for k in range(3):
            data, want = sample(k)
            requests, retries = dev.stats["requests"], dev.stats["retries"]
            try:
                dev.set_input(0, data)
                dev.invoke()
                out = dev.get_output(0)
            except TinycError as e:
                assert "\n" not in e.message and ("no valid answer" in e.message
                                                  or "no answer" in e.message)
            else:
                assert out == want
            # every request gave up after at most `retries` resends
            sent = dev.stats["requests"] - requests
            assert dev.stats["retries"] - retries <= sent * dev.retries


def test_hopeless_link_ends_in_a_clear_error(host_elf):
    with _host_program(host_elf) as pipe:
        t = FaultyTransport(pipe, 0, p=1.0, faults=("flip",))
        dev = Device(t, timeout=0.3, retries=3)
        with pytest.raises(TinycError, match="no valid answer to INFO .* after 4 tries .* "
                                             "damaged frames"):
            dev.info()
        assert dev.stats["requests"] == 1 and dev.stats["retries"] == 3


@pytest.mark.slow
def test_silent_board_ends_in_a_clear_error(host_elf):
    with _host_program(host_elf) as pipe:
        dev = Device(FaultyTransport(pipe, 0, silent=True), timeout=1.0,
                     hint="is it flashed with a tinyc build? `tinyc flash ...`")
        with pytest.raises(TinycError, match=r"no answer from the board on .* within \d+ s: "
                                             "is it flashed"):
            dev.info()
        # silence is not damage: three tries, not all `retries + 1`
        assert dev.stats["requests"] == 1 and dev.stats["retries"] == 2


def test_device_errors_are_reported_not_retried(host_elf):
    with faulty_device(host_elf, 0, p=0.0) as (dev, _):
        with pytest.raises(TinycError, match="argument out of range"):
            dev.request(P.GET_OUTPUT, bytes([0]) + struct.pack("<IB", 990, 20))
        with pytest.raises(TinycError, match="unknown command"):
            dev.request(0x33)
        with pytest.raises(TinycError, match="takes 1000 bytes"):
            dev.set_input(0, bytes(10))
        with pytest.raises(TinycError, match="no profile"):
            dev.invoke()
            dev.profile()
        assert dev.stats["retries"] == 0


def test_a_resent_request_is_not_run_twice(host_elf):
    """The reply to INVOKE is lost: the resend is answered from the device's cache."""
    with faulty_device(host_elf, 0, p=0.0) as (dev, t):
        dev.set_input(0, sample(1)[0])
        dev.invoke(profile=True)
        assert len(dev.profile()) == 3
        seq = (dev.seq + 1) & 0xFF
        frame = P.encode(P.INVOKE, seq, b"\x00")
        replies = []
        for _ in range(2):
            t.inner.write(frame)
            time.sleep(0.2)
            frames = P.FrameDecoder().feed(t.inner.read(2.0))
            replies.append([f for f in frames if f.cmd == P.INVOKE | P.REPLY])
        assert len(replies[0]) == len(replies[1]) == 1
        assert replies[0] == replies[1]     # same count: answered from the cache, not rerun


# --- the same on the emulated board -----------------------------------------------------
@pytest.mark.skipif(not have_cross_tools(), reason="needs arm-none-eabi-gcc and QEMU")
@pytest.mark.qemu
def test_qemu_session_survives_damage(tmp_path):
    board = get_board("mps2-an386")
    elf = build_fixture(tmp_path, board.id).elf
    with Qemu(board, elf) as q:
        t = FaultyTransport(SerialTransport(q.url), 3, p=0.1)
        dev = Device(t, timeout=0.5, retries=8)
        for k in range(4):
            data, want = sample(k)
            dev.set_input(0, data)
            dev.invoke()
            assert dev.get_output(0) == want
        assert t.injected > 0
        t.close()
