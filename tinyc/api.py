"""The Python API: what the CLI does, as calls (no subprocess, no output parsing).

    import tinyc
    build = tinyc.compile("ad01_int8.tflite", board="mps2-an386")
    y = build.run(x)                       # x: [N, *input_shape] or one sample
    report = build.verify(samples=20)      # the fields of `tinyc verify --json`
    assert report["bit_exact"]
    per_op = build.profile()               # [{"index", "op", "instructions"}, …]

Each call starts what the board needs (QEMU, the host program, a serial port) and stops it;
`with build.connect(): …` keeps one connection open for many calls. Bad input raises
tinyc.TinycError (its .message is the CLI's `error:` line, .exit_code its exit code).
"""
from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from tinyc import pipeline
from tinyc.backends import DEFAULT_BACKEND
from tinyc.boards import Board, get_board
from tinyc.errors import TinycError
from tinyc.model_io import input_samples


def compile(model: str | Path, board: str | None = None, backend: str = DEFAULT_BACKEND,
            kernels: str = "auto", strategy: str = "auto", out_dir: str | Path | None = None,
            quiet: bool = True, patch: str | int | None = None) -> "Build":
    """Plans, generates and compiles `model` for `board` (default mps2-an386): into `out_dir`
    when given (empty, new, or an earlier tinyc build), else into tinyc's build cache, reusing
    an up-to-date build there. quiet=False prints progress on stderr as the CLI does.
    patch: `--patch` (auto, off or N: the first stage in N x N patches, native backend)."""
    b = get_board(board)
    options = {"kernels": kernels, **({"patch": str(patch)} if patch is not None else {})}
    if out_dir is not None:
        built = pipeline.compile_model(str(model), b, backend, Path(out_dir), compile=True,
                                       strategy=strategy, options=options, quiet=quiet)
    else:
        built = pipeline.ensure_build(str(model), b, backend, strategy, options, quiet=quiet)
    if not built.compiled or built.elf is None:
        raise TinycError(f"the build for {b.id} has no program to run (was it compiled?)")
    return Build(built, quiet=quiet)


class Build:
    """A compiled model for one board: run it, verify it against TFLM, profile it."""

    def __init__(self, built: pipeline.Build, quiet: bool = True):
        self.built = built          # the pipeline's record: project_dir, elf, sizes, plan …
        self.quiet = quiet
        self._device = None
        self._port = None

    @property
    def board(self) -> Board:
        return self.built.board

    @property
    def backend(self) -> str:
        return self.built.backend

    @property
    def model_sha256(self) -> str:
        return self.built.graph.sha256

    def to_json(self) -> dict:
        """The document of `tinyc build --json`."""
        return self.built.to_json()

    @contextlib.contextmanager
    def connect(self, port: str | None = None):
        """Keeps one connection to the board (one QEMU for emulated boards) for the calls made
        inside the block; `port` is a real board's serial port (or a pyserial URL)."""
        from tinyc.device import open_device
        if self._device is not None:
            raise TinycError("this build is already connected to a board")
        with open_device(self.board, elf=self.built.elf, port=port) as dev:
            dev.check_model(self.model_sha256)
            self._device, self._port = dev, port
            try:
                yield self
            finally:
                self._device, self._port = None, None

    def run(self, x, port: str | None = None):
        """Outputs of the model on the board. x: one array per input (a list in the model's
        input order, or a dict keyed by input name for several inputs), each [N, *input_shape]
        or one sample of input_shape, in the input's dtype. Returns one array (or a list, one
        per output), [N, …] or one sample as given."""
        from tinyc.verify import run_on_board
        g = self.built.graph
        xs = x if isinstance(x, (list, tuple, Mapping)) else [x]
        samples, single = input_samples(g, xs)
        res = run_on_board(self.built, samples, port=self._port_for(port), quiet=self.quiet,
                           device=self._device)
        ys = [np.stack([s[j] for s in res["outputs"]]) for j in range(len(g.outputs))]
        if single:
            ys = [y[0] for y in ys]
        return ys[0] if len(ys) == 1 else ys

    def verify(self, samples: int = 20, seed: int = 0, inputs=None,
               port: str | None = None) -> dict:
        """Every output byte against the TFLM interpreter: the fields of `tinyc verify
        --json` (bit_exact, mismatched_bytes, instructions_per_inference, selfcheck, …). inputs: your own
        samples (a list of [one array per model input]), or a dict of batches keyed by input
        name (as `run` takes), instead of `samples` random ones."""
        from tinyc.verify import verify_build
        if inputs is None and samples < 1:
            raise TinycError(f"samples must be at least 1 (got {samples}): a check of no "
                             "inputs proves nothing")
        if isinstance(inputs, Mapping):
            inputs = input_samples(self.built.graph, inputs)[0]
        return verify_build(self.built, samples, seed, port=self._port_for(port),
                            quiet=self.quiet, inputs=inputs, device=self._device)

    def profile(self, seed: int = 0, port: str | None = None) -> list[dict]:
        """Per-op counts of one inference (after checking it bit for bit against TFLM): the
        `profile` of `tinyc verify --profile --json`."""
        from tinyc.verify import verify_build
        rep = verify_build(self.built, 1, seed, port=self._port_for(port), profile=True,
                           quiet=self.quiet, device=self._device)
        if not rep["bit_exact"]:
            raise TinycError(f"the board's outputs differ from TFLM ({rep['mismatched_bytes']} "
                             "bytes): no profile of a wrong result", 1)
        return rep.get("profile") or []

    def _port_for(self, port: str | None) -> str | None:
        if self._device is not None and port not in (None, self._port):
            raise TinycError(f"this build is connected to {self._port or self.board.id}; "
                             f"leave the `connect()` block to use {port}")
        return self._port if self._device is not None else port
