"""Model integrity: tinyc_selfcheck() recomputes the CRC-32 of the weights at boot, INFO reports
it, and a board whose weights were damaged (one byte of a weights array patched in the ELF)
is refused by verify with one line, in QEMU and on the host."""
import shutil

import pytest

import tinyc
from tests.conftest import model
from tests.device_fixtures import have_cross_tools

AD01 = model("ad01_int8")


def _weights_symbol(elf_path):
    """(name, file offset, size) of the largest weights array (`w_…`) in the ELF's image."""
    from elftools.elf.elffile import ELFFile
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        best = None
        for sym in elf.get_section_by_name(".symtab").iter_symbols():
            if sym.name.startswith("w_") and sym["st_info"]["type"] == "STT_OBJECT":
                if best is None or sym["st_size"] > best["st_size"]:
                    best = sym
        assert best is not None, "no weights symbol in the ELF"
        sec = elf.get_section(best["st_shndx"])
        # sections' file offsets; host (PIE) builds and ARM images both map value - addr
        return best.name, sec["sh_offset"] + best["st_value"] - sec["sh_addr"], best["st_size"]


def _corrupt(elf_path, out_path):
    shutil.copy(elf_path, out_path)
    name, offset, size = _weights_symbol(out_path)
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
