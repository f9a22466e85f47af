"""Where tinyc's own data lives: boards, templates, firmware sources and the PlatformIO
dev-platform ship inside the package (tinyc/data/), so an installed wheel has them too.
Paths in comments such as firmware/kernels/add_sub_s8.c are relative to tinyc/data/."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
BOARDS_DIR = DATA_DIR / "boards"
TEMPLATES_DIR = DATA_DIR / "templates"
FIRMWARE_DIR = DATA_DIR / "firmware"
PLATFORMIO_DIR = DATA_DIR / "platformio"
