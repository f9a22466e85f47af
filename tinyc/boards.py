"""The board database: one TOML file per board in tinyc/data/boards/, read by every command."""
from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tinyc.errors import TinycError
from tinyc.paths import BOARDS_DIR

DEFAULT_BOARD = "mps2-an386"

# What each core family offers the kernels, unless a board file says otherwise (`features`):
# "dsp" = the Armv7E-M/Armv8-M DSP extension (SMLAD, SXTB16, ...), "mve" = Helium.
CORE_FEATURES = {
    "cortex-m4": ("dsp",), "cortex-m7": ("dsp",), "cortex-m33": ("dsp",),
    "cortex-m35p": ("dsp",), "cortex-m55": ("dsp", "mve"), "cortex-m85": ("dsp", "mve"),
}


@dataclass(frozen=True)
class Board:
    id: str
    name: str
    aliases: tuple[str, ...]
    core: str                    # "cortex-m4", "cortex-m7", "cortex-m0plus", "xtensa-lx7", "host"
    fpu: str                     # "fpv4-sp-d16", "fpv5-d16", "" for none
    clock_hz: int
    ram_bytes: int
    flash_bytes: int
    reserve_ram_bytes: int       # kept back for stack and the rest of the application
    reserve_flash_bytes: int
    alignment: int               # arena alignment
    pointer_bytes: int
    emulated: bool
    cflags: tuple[str, ...]      # -mcpu/-mthumb/-mfpu/-mfloat-abi for the cross compiler
    memory: dict = field(default_factory=dict)      # flash_origin, ram_origin (linker script)
    uart: dict = field(default_factory=dict)        # kind, base, irq, baud
    counter: dict = field(default_factory=dict)     # kind ("cmsdk-timer", "dwt", "none"), unit
    qemu: dict = field(default_factory=dict)        # machine, cpu, icount_shift
    platformio: dict = field(default_factory=dict)  # platform, board, framework, ...
    vendor_url: str = ""
    features: tuple[str, ...] = ()  # what tinyc's kernels may use: "dsp", "mve"

    @property
    def is_host(self) -> bool:
        return self.core == "host"

    @property
    def ram_budget(self) -> int:
        return self.ram_bytes - self.reserve_ram_bytes

    @property
    def flash_budget(self) -> int:
        return self.flash_bytes - self.reserve_flash_bytes

    def to_json(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["aliases"] = list(self.aliases)
        d["cflags"] = list(self.cflags)
        d["features"] = list(self.features)
        return d


def _load(path: Path) -> Board:
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise TinycError(f"board file {path} is not valid TOML: {e}") from None
    try:
        return Board(
            id=raw["id"], name=raw["name"], aliases=tuple(raw.get("aliases", [])),
            core=raw["core"], fpu=raw.get("fpu", ""), clock_hz=int(raw["clock_hz"]),
            ram_bytes=int(raw["ram_bytes"]), flash_bytes=int(raw["flash_bytes"]),
            reserve_ram_bytes=int(raw.get("reserve_ram_bytes", 0)),
            reserve_flash_bytes=int(raw.get("reserve_flash_bytes", 0)),
            alignment=int(raw.get("alignment", 16)), pointer_bytes=int(raw.get("pointer_bytes", 4)),
            emulated=bool(raw.get("emulated", False)), cflags=tuple(raw.get("cflags", [])),
            memory=raw.get("memory", {}), uart=raw.get("uart", {}), counter=raw.get("counter", {}),
            qemu=raw.get("qemu", {}), platformio=raw.get("platformio", {}),
            vendor_url=raw.get("vendor_url", ""),
            features=tuple(raw.get("features", CORE_FEATURES.get(raw["core"], ()))))
    except KeyError as e:
        raise TinycError(f"board file {path} lacks the field {e.args[0]}") from None


@lru_cache(maxsize=None)
def all_boards() -> tuple[Board, ...]:
    return tuple(_load(p) for p in sorted(BOARDS_DIR.glob("*.toml")))


def get_board(name: str | None) -> Board:
    name = (name or DEFAULT_BOARD).strip().lower()
    for b in all_boards():
        if name == b.id or name in b.aliases:
            return b
    known = ", ".join(b.id for b in all_boards())
    raise TinycError(f"unknown board '{name}'; known boards: {known} (see `tinyc boards`)")


class _CallableModule(type(sys)):
    """`tinyc.boards()` is the API's list of boards, but importing this module sets the package
    attribute `tinyc.boards` to the module itself: so the module answers the call."""

    def __call__(self) -> list[Board]:
        return list(all_boards())


sys.modules[__name__].__class__ = _CallableModule
