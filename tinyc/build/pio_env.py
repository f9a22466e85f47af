"""Running PlatformIO's `pio` from tinyc: its environment, what it has installed, and the
offline pieces tinyc can provide itself.

    pio_env(offline) -> dict            environment for `pio` (telemetry off; core dir)
    core_dir(offline) -> Path           PlatformIO's package/platform store
    platform_installed(name, offline)   is the dev-platform `name` already installed there?
    registry_reachable()                can PlatformIO's registry be reached at all (~0.5 s)?
    write_tool_scons(dst)               tool-scons on PyPI's SCons (no registry needed)
    LOCAL_PLATFORM                      tinyc's own dev-platform for the emulated boards

Real boards use the user's PlatformIO store (PLATFORMIO_CORE_DIR, default ~/.platformio),
where `pio` installs the vendor platforms. A project for an emulated board carries what it
needs (tinyc's dev-platform and tool-scons, under platformio/ in the project, named by
relative paths in platformio.ini), so it builds offline wherever it is copied; tinyc runs
its `pio` with PLATFORMIO_CORE_DIR set, or else a store in tinyc's cache, so it never
touches the user's ~/.platformio.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

from tinyc.cache import cache_root
from tinyc.errors import TinycError
from tinyc.paths import PLATFORMIO_DIR

LOCAL_PLATFORM = PLATFORMIO_DIR / "tinyc-qemu"
REGISTRY_HOST = "api.registry.platformio.org"
SCONS_VERSION = "4.41101.0"   # the tool-scons version PlatformIO 6.x asks for (~4.41101.0)

# PlatformIO runs `python scons.py`: this one takes SCons from PyPI's package in that Python.
_SCONS_PY = '''\
# Made by tinyc: PlatformIO's tool-scons on the SCons package from PyPI, so that `pio run`
# needs nothing from PlatformIO's registry.
import sys

try:
    import SCons.Script.Main
except ImportError:
    sys.exit("error: this project builds with SCons from PyPI: `pip install scons` into the "
             "Python that runs pio (" + sys.executable + ")")

if __name__ == "__main__":
    SCons.Script.Main.main()
'''


def core_dir(offline: bool) -> Path:
    env = os.environ.get("PLATFORMIO_CORE_DIR")
    if env:
        return Path(env).expanduser()
    if offline:
        return cache_root() / "platformio"
    return Path("~/.platformio").expanduser()


def pio_env(offline: bool) -> dict:
    env = dict(os.environ)
    env["PLATFORMIO_CORE_DIR"] = str(core_dir(offline))
    env["PLATFORMIO_SETTING_ENABLE_TELEMETRY"] = "no"
    env.setdefault("PLATFORMIO_SETTING_CHECK_PLATFORMIO_INTERVAL", "3650")
    env.setdefault("PLATFORMIO_NO_ANSI", "true")
    return env


def pio_executable() -> list[str]:
    """`pio` on PATH, or PlatformIO's module through this Python."""
    exe = shutil.which("pio") or shutil.which("platformio")
    if exe:
        return [exe]
    try:
        import platformio  # noqa: F401
    except ImportError:
        raise TinycError("PlatformIO is not installed (pip install platformio)", 1) from None
    import sys
    return [sys.executable, "-m", "platformio"]


def platform_installed(name: str, offline: bool = False) -> bool:
    return (core_dir(offline) / "platforms" / name / "platform.json").is_file()


def registry_reachable(timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((REGISTRY_HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def write_tool_scons(dst: Path) -> Path:
    """A tool-scons package in `dst` (a project's packages_dir/tool-scons) that runs the SCons
    Python package: a few small files, no copy of SCons, nothing from a registry."""
    dst.mkdir(parents=True, exist_ok=True)
    (dst / "scons.py").write_text(_SCONS_PY)
    (dst / "package.json").write_text(json.dumps(
        {"name": "tool-scons", "version": SCONS_VERSION, "system": "*",
         "description": "SCons from PyPI, for offline PlatformIO builds (made by tinyc)"}) + "\n")
    (dst / ".piopm").write_text(json.dumps(   # owner `platformio`: what PlatformIO asks for
        {"type": "tool", "name": "tool-scons", "version": SCONS_VERSION,
         "spec": {"owner": "platformio", "id": None, "name": "tool-scons",
                  "requirements": "~" + SCONS_VERSION, "uri": None}}) + "\n")
    return dst
