"""Model integrity: tinyc_selfcheck() recomputes the CRC-32 of the weights at boot, INFO reports
it, and a board whose weights were damaged (one byte of a weights array patched in the ELF)
is refused by verify with one line, in QEMU and on the host."""
import shutil
import subprocess
import zlib

import pytest

import tinyc
from tests.conftest import model
from tests.device_fixtures import have_cross_tools

AD01 = model("ad01_int8")


def _weights_symbol(elf_path, prefix="w_"):
    """(name, file offset, size) of the largest weights array (`w_…`, or the symbols named
    `prefix…`) in the ELF's image."""
    from elftools.elf.elffile import ELFFile
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        best = None
        for sym in elf.get_section_by_name(".symtab").iter_symbols():
            if sym.name.startswith(prefix) and sym["st_info"]["type"] == "STT_OBJECT":
                if best is None or sym["st_size"] > best["st_size"]:
                    best = sym
        assert best is not None, "no weights symbol in the ELF"
        sec = elf.get_section(best["st_shndx"])
        # sections' file offsets; host (PIE) builds and ARM images both map value - addr
        return best.name, sec["sh_offset"] + best["st_value"] - sec["sh_addr"], best["st_size"]


def _corrupt(elf_path, out_path, prefix="w_"):
    shutil.copy(elf_path, out_path)
    name, offset, size = _weights_symbol(out_path, prefix)
    data = bytearray(out_path.read_bytes())
    data[offset + size // 2] ^= 0x01
    out_path.write_bytes(bytes(data))
    return name


def _check(build, tmp_path):
    with build.connect():
        assert build._device.info().selfcheck == "ok"
    assert build.verify(samples=1)["selfcheck"] == "ok"
    good = build.built.elf
    build.built.elf = tmp_path / "corrupted.elf"
    _corrupt(good, build.built.elf)
    try:
        with pytest.raises(tinyc.TinycError) as e:
            build.verify(samples=1)
    finally:
        build.built.elf = good
    msg = e.value.message
    assert "selfcheck" in msg and "weights" in msg and "\n" not in msg
    assert e.value.exit_code == 1


def test_host_program_with_a_damaged_weight_is_refused(tmp_path):
    _check(tinyc.compile(AD01, board="host", out_dir=tmp_path / "b"), tmp_path)


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.skipif(not have_cross_tools(), reason="needs arm-none-eabi-gcc, qemu, cmake")
def test_emulated_board_with_a_damaged_weight_is_refused(tmp_path):
    _check(tinyc.compile(AD01, board="mps2-an386", out_dir=tmp_path / "b"), tmp_path)


MAIN = """#include "tinyc_model.h"
int main(void) { return !tinyc_selfcheck ? 2 : tinyc_selfcheck() == 0 ? 0 : 1; }
"""


def test_tflm_backend_checks_the_crc_of_its_model_data(tmp_path):
    """The tflm backend's tinyc_selfcheck() (in model_data.cc, which compiles without TFLM):
    the CRC-32 of the flatbuffer it embeds; a flipped byte of that array in the program fails
    it. (The whole TFLM firmware needs a TFLM tree: test_tflm_backend.py.)"""
    from tinyc.backends.tflm import generate, plan_for_tflm
    from tinyc.boards import get_board
    from tinyc.frontend import read_model
    from tinyc.paths import FIRMWARE_DIR
    g = read_model(AD01)
    board = get_board("host")
    src = tmp_path / "src"
    generate(g, board, plan_for_tflm(g, board), src)
    crc = zlib.crc32((src / "model.tflite").read_bytes())
    assert f"0x{crc:08x}u" in (src / "model_data.cc").read_text()
    (tmp_path / "main.c").write_text(MAIN)
    rt = FIRMWARE_DIR / "runtime"
    objs = []
    for source, cc in ((src / "model_data.cc", "g++"), (rt / "tinyc_hooks.c", "gcc"),
                       (tmp_path / "main.c", "gcc")):
        objs.append(tmp_path / (source.stem + ".o"))
        r = subprocess.run([cc, "-c", "-Wall", "-Wextra", "-Werror", f"-I{src}", f"-I{rt}",
                            str(source), "-o", str(objs[-1])], capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stderr
    exe = tmp_path / "check"
    r = subprocess.run(["g++", *map(str, objs), "-o", str(exe)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert subprocess.run([str(exe)], timeout=60).returncode == 0
    _corrupt(exe, tmp_path / "damaged", prefix="tinyc_tflm_model_data")
    (tmp_path / "damaged").chmod(0o755)
    assert subprocess.run([str(tmp_path / "damaged")], timeout=60).returncode == 1
