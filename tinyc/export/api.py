"""The exported API of one model: its name, its symbols and its float helpers' conversions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tinyc.backends.native.cgen import c_identifier
from tinyc.errors import TinycError

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_C_KEYWORDS = set("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static struct
switch typedef union unsigned void volatile while _Bool _Complex _Imaginary bool true false
class delete new namespace operator private protected public template this throw try catch
virtual main""".split())
FUNCTIONS = ("init", "invoke", "input", "output", "set_input_f32", "get_output_f32", "selfcheck",
             "reset_state")


@dataclass(frozen=True)
class ModelSpec:
    path: Path
    name: str


def parse_spec(text: str) -> ModelSpec:
    """MODEL[:NAME]; NAME defaults to the file name made a C identifier."""
    path, name = text, None
    head, sep, tail = text.rpartition(":")
    if sep and head and _IDENT.match(tail) and not Path(text).exists():
        path, name = head, tail
    path = Path(path)
    return ModelSpec(path, name if name is not None else c_identifier(path.stem, prefix="m"))


def check_names(specs: list[ModelSpec], reserved_files: set[str]) -> None:
    """Names become C identifiers, macros in upper case, and file names beside the kernels."""
    seen: dict[str, str] = {}
    for s in specs:
        n = s.name
        if not _IDENT.match(n) or n in _C_KEYWORDS:
            raise TinycError(f"'{n}' is not a usable C name for {s.path.name}; give one with "
                             f"{s.path}:NAME (letters, digits, _)")
        if n.lower().startswith("tinyc") or {f"{n}.c", f"{n}.h"} & reserved_files:
            raise TinycError(f"the name '{n}' for {s.path.name} is taken by tinyc's own files "
                             f"or prefix; give another with {s.path}:NAME")
        if n.upper() in seen:
            raise TinycError(f"{seen[n.upper()]} and {s.path.name} are both named '{n}' (macros "
                             "are upper case); give each its own with MODEL:NAME")
        seen[n.upper()] = s.path.name


def api_names(name: str, n_inputs: int, n_outputs: int) -> dict:
    u = name.upper()
    macros = [f"{u}_MODEL_SHA256", f"{u}_ARENA_BYTES", f"{u}_INPUT_COUNT", f"{u}_OUTPUT_COUNT"]
    for kind, n in (("INPUT", n_inputs), ("OUTPUT", n_outputs)):
        for i in range(n):
            macros += [f"{u}_{kind}{i}_{f}" for f in ("BYTES", "SCALE", "ZERO_POINT")]
    return {"functions": [f"{name}_{f}" for f in FUNCTIONS], "macros": macros}
