"""Soak: many inferences of a real model over the serial link to QEMU with faults injected in
both directions (dropped, flipped, garbage and truncated bytes) and board resets in the middle
(QEMU's system_reset: RAM survives, the boot id changes). Every result is compared with the TFLM
interpreter: no wrong result may be accepted; the summary counts the retries.

TINYC_SOAK_N sets the number of inferences (default 300, for CI), TINYC_SOAK_SEED the seed of
the inputs, faults and reset points (runs with different seeds can share out a long soak), and
TINYC_SOAK_REPORT names a JSON file for the summary.
"""
import json
import os
import random
import socket
import time

import numpy as np
import pytest

import tinyc
from tests.conftest import model
from tests.device_fixtures import FaultyTransport, have_cross_tools
from tinyc.device import protocol as P
from tinyc.device import qemu as qemu_mod
from tinyc.device.client import Device
from tinyc.device.transport import SerialTransport, Transport
from tinyc.errors import TinycError
from tinyc.reference import random_inputs, tflm_outputs

AD01 = model("ad01_int8")


class ResettingTransport(Transport):
    """Resets the board (QEMU monitor `system_reset`) just before the chosen INVOKE frames
    (counted as the host sends them, resends included) reach it."""

    def __init__(self, inner: Transport, monitor: str, invokes: set[int]):
        self.inner, self.monitor, self.invokes = inner, monitor, invokes
        self.name = inner.name
        self.seen = self.resets = 0

    def write(self, data: bytes) -> None:
        for f in P.FrameDecoder().feed(data):
            if f.cmd == P.INVOKE:
                self.seen += 1
                if self.seen in self.invokes:
                    self._reset()
        self.inner.write(data)

    def _reset(self) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(self.monitor)
            s.sendall(b"system_reset\n")
            time.sleep(0.2)   # the monitor acts before the frame reaches the UART
        self.resets += 1

    def read(self, timeout: float) -> bytes:
        return self.inner.read(timeout)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.skipif(not have_cross_tools(), reason="needs arm-none-eabi-gcc, qemu, cmake")
def test_soak_over_a_damaged_link_with_resets(tmp_path, monkeypatch):
    n = int(os.environ.get("TINYC_SOAK_N", "300"))
    seed = int(os.environ.get("TINYC_SOAK_SEED", "0"))
    build = tinyc.compile(AD01, board="mps2-an386", out_dir=tmp_path / "b")
    g = build.built.graph
    xs = random_inputs(g, n, seed=2024 + seed)
    ref = [o[0].tobytes() for o in tflm_outputs(g, xs)]

    monitor = str(tmp_path / "monitor.sock")
    plain = qemu_mod.qemu_command
    monkeypatch.setattr(qemu_mod, "qemu_command", lambda board, elf: [
        f"unix:{monitor},server=on,wait=off" if a == "none" else a for a in plain(board, elf)])
    rng = random.Random(7 + seed)
    resets_at = set(rng.sample(range(2, n + 1), k=max(1, n // 100)))

    wrong, gave_up = [], []
    t0 = time.monotonic()
    with qemu_mod.Qemu(build.board, build.built.elf) as q:
        faulty = FaultyTransport(SerialTransport(q.url), seed=11 + seed, p=0.1)
        link = ResettingTransport(faulty, monitor, resets_at)
        dev = Device(link, timeout=0.5, retries=8)
        dev.check_model(g.sha256)
        for k, x in enumerate(xs):
            try:
                got = dev.infer([x[0].tobytes()], label=f"sample {k}").outputs[0]
            except TinycError as e:   # refused loudly: allowed, counted, never a result
                gave_up.append((k, e.message))
                continue
            if got != ref[k]:
                wrong.append(k)
        link.close()
    summary = {"inferences": n, "seed": seed, "seconds": round(time.monotonic() - t0, 1),
               "faults_injected": faulty.injected, "resets_injected": link.resets,
               "restarts_noticed": dev.restarts, "wrong_results_accepted": len(wrong),
               "samples_given_up": len(gave_up), **dev.stats}
    print("\nsoak:", json.dumps(summary))
    if os.environ.get("TINYC_SOAK_REPORT"):
        with open(os.environ["TINYC_SOAK_REPORT"], "w") as f:
            json.dump({**summary, "given_up": gave_up[:20]}, f, indent=2)
    assert not wrong, f"wrong results accepted for samples {wrong[:10]}"
    assert faulty.injected > 0 and link.resets == len(resets_at)
    assert dev.restarts >= link.resets   # every reset was noticed, none taken across
    assert dev.stats["retries"] > 0
    assert len(gave_up) <= n // 100, gave_up[:5]
