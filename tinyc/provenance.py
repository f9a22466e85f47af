"""Where generated files came from: tinyc's version, the model and its SHA-256, the board and
the options that shaped them. Built once by the pipeline from its inputs (never from the
process's command line, so the same inputs give the same files) and passed to the backend.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from pathlib import Path

from tinyc import __version__


@dataclass(frozen=True)
class Provenance:
    version: str
    model_name: str
    sha256: str
    board_id: str
    command: str
    strategy: str = "auto"
    kernels: str = "auto"

    @classmethod
    def of(cls, graph, board, backend: str, strategy: str = "auto",
           options: dict | None = None) -> "Provenance":
        words = ["tinyc", "build", Path(graph.path).name, "--board", board.id,
                 "--backend", backend, "--strategy", strategy]
        for key, value in sorted((options or {}).items()):
            words += [f"--{key}", str(value)]
        return cls(__version__, Path(graph.path).name, graph.sha256, board.id, shlex.join(words),
                   strategy, str((options or {}).get("kernels", "auto")))

    def library(self, name: str) -> "Provenance":
        """The provenance of the model's library code: what `tinyc export MODEL:NAME` would
        write, so that a build's model sources are that export's bytes."""
        return replace(self, command=export_command([(self.model_name, name)], self.board_id,
                                                    self.strategy, self.kernels))

    def view(self) -> dict:
        """The template variables every backend's header block uses."""
        return {"version": self.version, "model_name": self.model_name, "sha256": self.sha256,
                "sha256_bytes": ", ".join(f"0x{b:02x}" for b in bytes.fromhex(self.sha256)),
                "board_id": self.board_id, "command": self.command}


def export_command(models: list[tuple[str, str]], board_id: str, strategy: str, kernels: str,
                   shared_arena: bool = False) -> str:
    """`tinyc export FILE:NAME… --board B …` with the options that shape the C (not --format:
    it only places the files)."""
    words = ["tinyc", "export", *(f"{f}:{n}" for f, n in models), "--board", board_id,
             "--strategy", strategy, "--kernels", kernels]
    return shlex.join(words + (["--shared-arena"] if shared_arena else []))
