"""Running PlatformIO's `pio` from tinyc: its environment, what it has installed, and the
offline pieces tinyc can provide itself.

    pio_env(offline) -> dict            environment for `pio` (telemetry off; core dir)
    core_dir(offline) -> Path           PlatformIO's package/platform store
    platform_installed(name, offline)   is the dev-platform `name` already installed there?
    registry_reachable()                can PlatformIO's registry be reached at all (~0.5 s)?
    ensure_tool_scons(core)             tool-scons made from PyPI's SCons (no registry needed)
    LOCAL_PLATFORM                      tinyc's own dev-platform for the emulated boards

Real boards use the user's PlatformIO store (PLATFORMIO_CORE_DIR, default ~/.platformio),
where `pio` installs the vendor platforms. The offline mode (emulated boards through
tinyc's local dev-platform) uses PLATFORMIO_CORE_DIR when it is set, otherwise a store in
tinyc's cache, so it never touches the user's ~/.platformio.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

from tinyc.cache import cache_root
from tinyc.errors import TinycError
from tinyc.models_dir import REPO

LOCAL_PLATFORM = REPO / "platformio" / "tinyc-qemu"
REGISTRY_HOST = "api.registry.platformio.org"
SCONS_VERSION = "4.41101.0"   # the tool-scons version PlatformIO 6.x asks for (~4.41101.0)

_SCONS_PY = '''\
# Made by tinyc from PyPI's SCons, so `pio run` needs no download.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "scons-local"))
import SCons.Script.Main  # noqa: E402

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


def ensure_tool_scons(core: Path) -> Path:
    """Install tool-scons into `core`/packages from the SCons Python package, unless PlatformIO
    already has one. Returns the package folder."""
    dst = core / "packages" / "tool-scons"
    if (dst / "package.json").is_file():
        return dst
    try:
        import SCons
    except ImportError:
        raise TinycError("SCons is not installed, and PlatformIO needs it to build offline "
                         "(pip install scons)", 1) from None
    tmp = dst.with_name("tool-scons.tinyc-tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "scons-local").mkdir(parents=True)
    shutil.copytree(Path(SCons.__file__).parent, tmp / "scons-local" / "SCons",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp / "scons.py").write_text(_SCONS_PY)
    (tmp / "package.json").write_text(json.dumps(
        {"name": "tool-scons", "version": SCONS_VERSION, "system": "*",
         "description": "SCons from PyPI, packaged by tinyc for offline PlatformIO builds"}))
    (tmp / ".piopm").write_text(json.dumps(
        {"type": "tool", "name": "tool-scons", "version": SCONS_VERSION,
         "spec": {"owner": "platformio", "id": None, "name": "tool-scons",
                  "requirements": "~" + SCONS_VERSION, "uri": None}}))
    shutil.rmtree(dst, ignore_errors=True)
    tmp.rename(dst)   # whole or not at all
    return dst
