"""Where generated files came from: tinyc's version, the model and its SHA-256, the board and
the options that shaped them. Built once by the pipeline from its inputs (never from the
process's command line, so the same inputs give the same files) and passed to the backend.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from tinyc import __version__


@dataclass(frozen=True)
class Provenance:
    version: str
    model_name: str
    sha256: str
    board_id: str
    command: str

    @classmethod
    def of(cls, graph, board, backend: str, strategy: str = "auto",
           options: dict | None = None) -> "Provenance":
        words = ["tinyc", "build", Path(graph.path).name, "--board", board.id,
                 "--backend", backend, "--strategy", strategy]
        for key, value in sorted((options or {}).items()):
            words += [f"--{key}", str(value)]
        return cls(__version__, Path(graph.path).name, graph.sha256, board.id, shlex.join(words))

    def view(self) -> dict:
        """The template variables every backend's header block uses."""
        return {"version": self.version, "model_name": self.model_name, "sha256": self.sha256,
                "sha256_bytes": ", ".join(f"0x{b:02x}" for b in bytes.fromhex(self.sha256)),
                "board_id": self.board_id, "command": self.command}
