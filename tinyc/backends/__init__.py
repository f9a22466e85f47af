"""Code generators behind one interface, and the registry that names them.

A backend says what it supports (`validate`), what its kernels need of the planner
(`rules`), plans (`plan`) and writes its files (`generate` -> `Sources`). The pipeline
only ever talks to this interface; adding a backend is one package and one line in
`_REGISTRY`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tinyc.errors import TinycError


@dataclass
class Sources:
    """What `generate` wrote and what the build needs beside it."""
    generated: list[Path]                                # files written into the project
    firmware: list[Path] = field(default_factory=list)   # firmware/ files they compile with
    facts: dict = field(default_factory=dict)            # manifest facts: tflm_arena_bytes, …

    @property
    def files(self) -> list[Path]:
        return self.generated + self.firmware

    def to_json(self) -> dict:
        return {"generated": [str(p) for p in self.generated],
                "firmware": [str(p) for p in self.firmware], "facts": self.facts}


class Backend(Protocol):
    name: str

    def supported_ops(self) -> frozenset[str]:
        """The opcodes this backend compiles (what `inspect` reports against)."""

    def validate(self, graph):
        """The graph if this backend can compile it, else one TinycError naming the op."""

    def rules(self, board, kernels: str = "auto", optimize: str = "balanced"):
        """Planner rules: `scratch_bytes(graph, op)`, `inplace(graph, op)`, optionally
        `overlap`/`overlap_above(graph, op)` for `board` and the kernel set (`auto`: the
        fastest variants for the board, `portable`); `optimize`: speed, ram or balanced."""

    def plan(self, graph, board, strategy: str = "auto", time_limit_s: float = 10.0,
             kernels: str = "auto", optimize: str = "balanced"):
        """The memory plan this backend's code will use."""

    def generate(self, graph, board, plan, out: Path, options: dict, provenance) -> Sources:
        """Write the backend's files under `out`."""

    def finish_project(self, out: Path, sources: Sources, compile: bool) -> bool:
        """Adjust the written CMake project; returns whether it can be compiled here."""

    def check_built(self, build, compile: bool) -> None:
        """Raise when a compile was asked for and the backend could not do it."""

    def debug_layers_plan(self, graph, board):
        """A plan that keeps every intermediate tensor (for `verify --debug-layers`)."""


class BackendBase:
    """Defaults for the optional parts of the interface."""
    name = "?"

    def finish_project(self, out: Path, sources: Sources, compile: bool) -> bool:
        return compile

    def check_built(self, build, compile: bool) -> None:
        return None

    def debug_layers_plan(self, graph, board):
        raise TinycError(f"--debug-layers runs tinyc's kernels; the {self.name} backend "
                         "does not use them (try --backend native)")


_REGISTRY = {
    "native": "tinyc.backends.native.backend:NativeBackend",
    "tflm": "tinyc.backends.tflm.backend:TflmBackend",
    "cubeai": "tinyc.backends.cubeai.backend:CubeaiBackend",
}
BACKENDS = tuple(_REGISTRY)
DEFAULT_BACKEND = "native"


def get_backend(name: str) -> Backend:
    if name not in _REGISTRY:
        raise TinycError(f"unknown backend '{name}'; choose one of {', '.join(BACKENDS)}")
    module, cls = _REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), cls)()
