"""QEMU dies with tinyc: a `tinyc verify` on the emulated board that is terminated (SIGTERM,
SIGHUP: a cancelled CI job) or killed (SIGKILL) leaves no qemu-system-arm behind."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import model, run_tinyc
from tests.device_fixtures import have_cross_tools

pytestmark = [pytest.mark.qemu, pytest.mark.slow,
              pytest.mark.skipif(not have_cross_tools(), reason="needs arm-none-eabi-gcc and QEMU")]

AD01 = model("ad01_int8")
POLLS = 300          # of 0.05 s each


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A private build cache holding ad01 for mps2-an386, so each test only runs it."""
    env = {**os.environ, "TINYC_CACHE": str(tmp_path_factory.mktemp("cache"))}
    r = run_tinyc("build", AD01, "--board", "mps2-an386", "--json", env=env)
    assert r.returncode == 0, r.stderr
    return env


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        out += kids
        todo += kids
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_qemu_dies_with_tinyc(cache, sig):
    tinyc = subprocess.Popen([sys.executable, "-m", "tinyc", "verify", str(AD01), "--board",
                              "mps2-an386", "-n", "50"], env=cache, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    qemu = None
    try:
        for _ in range(POLLS):
            qemu = next((p for p in _descendants(tinyc.pid)
                         if _comm(p).startswith("qemu-system")), None)
            if qemu or tinyc.poll() is not None:
                break
            time.sleep(0.05)
        assert qemu, f"no QEMU child seen: {tinyc.poll()} {tinyc.stderr.read() if tinyc.poll() is not None else ''}"
        tinyc.send_signal(sig)
        _, err = tinyc.communicate(timeout=60)
        for _ in range(POLLS):
            if not _alive(qemu):
                break
            time.sleep(0.05)
        assert not _alive(qemu), f"QEMU {qemu} outlived tinyc after {sig.name}"
        assert tinyc.returncode != 0
        if sig != signal.SIGKILL:   # stopped through the normal cleanup: one error line
            lines = err.strip().splitlines()
            assert lines[-1].startswith("error: ") and "Traceback" not in err, err
    finally:
        if tinyc.poll() is None:
            tinyc.kill()
            tinyc.wait(timeout=30)
        if qemu and _alive(qemu) and _comm(qemu).startswith("qemu-system"):
            os.kill(qemu, signal.SIGKILL)
