"""A board that restarts mid-session (brown-out, watchdog, a loose cable) loses its inputs or
outputs: the host must notice (the boot HELLO, or a changed boot id when the HELLO is lost) and
re-send the sample or fail loudly. No result is ever taken across a restart."""
import subprocess
import sys

import numpy as np
import pytest

from conftest import model
from tests.device_fixtures import FIXTURE_SHA256, RestartingTransport, build_fixture, sample
from tinyc.device import protocol as P
from tinyc.device.client import Device
from tinyc.errors import TinycError

AD01 = model("ad01_int8")


@pytest.fixture(scope="module")
def host_elf(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("host"), "host").elf


def _device(elf, **kw):
    t = RestartingTransport(elf, **kw)
    dev = Device(t, timeout=0.5, retries=4, hint="test")
    dev.check_model(FIXTURE_SHA256)
    return dev, t


# The second sample's INVOKE, or its first GET_OUTPUT (1000 bytes: 4 chunks a sample), finds a
# freshly booted board.
WHERE = {"before INVOKE": {P.INVOKE: {2}}, "before GET_OUTPUT": {P.GET_OUTPUT: {5}}}


@pytest.mark.parametrize("hide_hello", [False, True], ids=["hello", "hello lost"])
@pytest.mark.parametrize("where", WHERE)
def test_a_restart_is_noticed_and_the_sample_resent(host_elf, where, hide_hello):
    dev, t = _device(host_elf, before=WHERE[where], hide_hello=hide_hello)
    try:
        for k in range(3):
            data, want = sample(k)
            assert dev.infer([data]).outputs == [want], f"sample {k}"
        assert t.restarts == 1
    finally:
        t.close()


@pytest.mark.parametrize("hide_hello", [False, True], ids=["hello", "hello lost"])
@pytest.mark.fast_first
def test_a_board_that_keeps_restarting_fails_loudly(host_elf, hide_hello):
    dev, t = _device(host_elf, before={P.INVOKE: set(range(2, 100))}, hide_hello=hide_hello)
    try:
        dev.infer([sample(0)[0]])
        with pytest.raises(TinycError, match="restarted during sample") as e:
            dev.infer([sample(1)[0]], label="sample 1")
        assert "\n" not in e.value.message and e.value.exit_code == 1
        assert 2 <= t.restarts <= 3
    finally:
        t.close()


def test_a_restart_mid_sequence_of_a_model_with_state_fails_loudly(host_elf):
    """A sample that needs the state earlier ones left (resumable=False) is not resent after
    a restart: the state is gone, a resent sample would give another result."""
    dev, t = _device(host_elf, before={P.INVOKE: {2}})
    try:
        dev.infer([sample(0)[0]], reset_state=True)
        with pytest.raises(TinycError, match="keeps state between invokes") as e:
            dev.infer([sample(1)[0]], label="sample 2 of 3", resumable=False)
        assert "\n" not in e.value.message and e.value.exit_code == 1
        assert t.restarts == 1
    finally:
        t.close()


def test_the_piecewise_api_never_returns_a_result_across_a_restart(host_elf):
    dev, t = _device(host_elf, before={P.INVOKE: {1}})
    try:
        dev.set_input(0, sample(0)[0])
        with pytest.raises(TinycError, match="restarted"):
            dev.invoke()
            dev.get_output(0)
    finally:
        t.close()


def test_boot_id_in_hello_and_info(host_elf):
    t = RestartingTransport(host_elf, before={})
    try:
        hello = P.FrameDecoder().feed(t.read(2.0))[0]
        first = Device(t, timeout=0.5).info().boot_id
        assert hello.cmd == P.HELLO and P.parse_hello(hello.payload) == first is not None
        t._stop()
        t._start()
        assert Device(t, timeout=0.5).info().boot_id not in (None, first)
    finally:
        t.close()


def _run_with_restarts(tmp_path, before, n=3):
    from tinyc.frontend import load_model
    from tinyc.reference import random_inputs, tflm_outputs
    g = load_model(AD01)
    xs = random_inputs(g, n, seed=7)
    np.save(tmp_path / "x.npy", np.stack([x[0] for x in xs]))
    code = ("import sys; from tests.device_fixtures import patch_restarts; "
            f"patch_restarts({before!r}); from tinyc.cli import main; sys.argv[0] = 'tinyc'; main()")
    r = subprocess.run([sys.executable, "-c", code, "run", str(AD01), "--board", "host",
                        "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y.npy")],
                       capture_output=True, text=True, timeout=600)
    return r, np.stack([o[0] for o in tflm_outputs(g, xs)])


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.fast_first
def test_tinyc_run_is_right_after_a_restart(tmp_path, where):
    before = {P.INVOKE: {2}} if where == "before INVOKE" else {P.GET_OUTPUT: {2}}
    r, ref = _run_with_restarts(tmp_path, before)
    assert r.returncode == 0, r.stderr
    assert np.array_equal(np.load(tmp_path / "y.npy"), ref)


def test_tinyc_run_fails_loudly_when_the_board_keeps_restarting(tmp_path):
    r, _ = _run_with_restarts(tmp_path, {P.INVOKE: set(range(2, 100))})
    assert r.returncode == 1, r.stderr
    err = [ln for ln in r.stderr.splitlines() if ln.startswith("error: ")]
    assert len(err) == 1 and "restarted during sample 2" in err[0] and "Traceback" not in r.stderr
    assert not (tmp_path / "y.npy").exists()


def test_boot_id_is_optional_and_backward_compatible():
    import struct
    base = (bytes([P.VERSION, 0, 1, 1]) + struct.pack("<HI", 13, 22772) + bytes(32)
            + struct.pack("<IIH", 5, 8, 64)
            + b"".join(bytes([len(s)]) + s for s in (b"native", b"mps2-an386", b"instructions")))
    old = P.parse_info(base)[0]
    tflm_old = P.parse_info(base + struct.pack("<I", 22000))[0]
    new = P.parse_info(base + struct.pack("<II", 0xFFFFFFFF, 77))[0]
    assert (old.boot_id, old.runtime_arena_used_bytes) == (None, None)
    assert (tflm_old.boot_id, tflm_old.runtime_arena_used_bytes) == (None, 22000)
    assert (new.boot_id, new.runtime_arena_used_bytes) == (77, None)
    assert P.parse_hello(bytes([P.VERSION])) is None
    assert P.parse_hello(bytes([P.VERSION]) + struct.pack("<I", 77)) == 77
