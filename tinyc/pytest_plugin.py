"""The pytest plugin (entry point pytest11): the `tinyc_board` fixture for hardware-in-the-loop
tests in a user's CI.

    def test_anomaly_model(tinyc_board):
        report = tinyc_board.verify("models/ad01_int8.tflite", samples=50)
        assert report["bit_exact"], report

The board, its serial port(s) and the backend come from --tinyc-board/--tinyc-port/
--tinyc-backend, else $TINYC_BOARD/$TINYC_PORT (comma-separated)/$TINYC_BACKEND, else the
emulated mps2-an386 (QEMU, no hardware). Each model is built once per session (per xdist
worker) in that worker's own temporary folder, and on host/emulated boards one program (one
QEMU) per model and worker serves every test. Under pytest-xdist each worker takes its own
share of the ports, so no two workers talk to one board.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from tinyc.backends import DEFAULT_BACKEND
from tinyc.boards import DEFAULT_BOARD


def pytest_addoption(parser):
    group = parser.getgroup("tinyc", "tinyc hardware-in-the-loop")
    group.addoption("--tinyc-board", default=None, metavar="BOARD",
                    help=f"board id or alias (env TINYC_BOARD; default {DEFAULT_BOARD}, emulated)")
    group.addoption("--tinyc-port", action="append", default=None, metavar="PORT",
                    help="serial port of a real board, repeat for several "
                         "(env TINYC_PORT, comma-separated)")
    group.addoption("--tinyc-backend", default=None, metavar="BACKEND",
                    help=f"code generator (env TINYC_BACKEND; default {DEFAULT_BACKEND})")


def settings(config) -> tuple[str, list[str], str]:
    """(board, ports, backend) from the command line, else the environment, else defaults."""
    board = config.getoption("tinyc_board") or os.environ.get("TINYC_BOARD") or DEFAULT_BOARD
    ports = config.getoption("tinyc_port") or [
        p.strip() for p in os.environ.get("TINYC_PORT", "").split(",") if p.strip()]
    backend = config.getoption("tinyc_backend") or os.environ.get("TINYC_BACKEND") \
        or DEFAULT_BACKEND
    return board, ports, backend


def worker_ports(ports: list[str], workerinput: dict | None) -> list[str]:
    """This xdist worker's share of the ports (all of them without xdist)."""
    if not workerinput or not ports:
        return list(ports)
    k = int(workerinput["workerid"].removeprefix("gw"))
    mine = ports[k::int(workerinput["workercount"])]
    if not mine:
        raise pytest.UsageError(f"pytest-xdist worker {workerinput['workerid']} has no board: "
                                f"{len(ports)} port(s) for {workerinput['workercount']} workers; "
                                "run with -n at most the number of --tinyc-port")
    return mine


def pytest_report_header(config):
    board, ports, backend = settings(config)
    return f"tinyc: board {board}, backend {backend}, port(s) {', '.join(ports) or '-'}"


class TinycBoard:
    """The board under test. Methods take the model's path; it is built on first use."""

    def __init__(self, board: str, ports: list[str], backend: str, work_dir: Path):
        self.board, self.ports, self.backend = board, ports, backend
        self.work_dir = work_dir
        self._builds: dict[tuple, object] = {}
        self._connections = contextlib.ExitStack()

    def build(self, model, kernels: str = "auto", strategy: str = "auto"):
        """The tinyc.Build of `model` for this board (compiled once per session and worker)."""
        import tinyc
        key = (str(Path(model).resolve()), kernels, strategy)
        if key not in self._builds:
            out = self.work_dir / f"build{len(self._builds)}-{Path(model).stem}"
            try:
                b = tinyc.compile(model, board=self.board, backend=self.backend,
                                  kernels=kernels, strategy=strategy, out_dir=out)
            except tinyc.TinycError as e:   # the CLI's one line, not tinyc's traceback
                pytest.fail(f"tinyc could not build {model} for {self.board}: {e.message}",
                            pytrace=False)
            if not self.ports:   # host program or QEMU: one per model for the whole session
                self._connections.enter_context(b.connect())
            self._builds[key] = b
        return self._builds[key]

    def run(self, model, x, **build_options):
        """The board's outputs for x (see tinyc.Build.run), on this worker's first port."""
        return self.build(model, **build_options).run(x, port=self._first_port())

    def verify(self, model, samples: int = 20, seed: int = 0, inputs=None, **build_options):
        """The `tinyc verify --json` document; a list of them, one per port, for several
        ports."""
        b = self.build(model, **build_options)
        reps = [b.verify(samples=samples, seed=seed, inputs=inputs, port=p)
                for p in (self.ports or [None])]
        return reps[0] if len(reps) == 1 else reps

    def profile(self, model, seed: int = 0, **build_options) -> list[dict]:
        """Per-op counts of one inference (see tinyc.Build.profile)."""
        return self.build(model, **build_options).profile(seed=seed, port=self._first_port())

    def close(self) -> None:
        self._connections.close()

    def _first_port(self):
        return self.ports[0] if self.ports else None


@pytest.fixture(scope="session")
def tinyc_board(request, tmp_path_factory):
    board, ports, backend = settings(request.config)
    mine = worker_ports(ports, getattr(request.config, "workerinput", None))
    # tmp_path_factory's folder is the worker's own under xdist: no build is shared
    tb = TinycBoard(board, mine, backend, tmp_path_factory.mktemp("tinyc"))
    yield tb
    tb.close()
