"""The firmware side: the CMake project, the linker script, and the harness + protocol running
the fixture model on the host (pipes) and in QEMU (mps2-an386 Cortex-M4, mps2-an500 M7, mps2-an505 M33)."""
import os

import pytest

from tests.device_fixtures import FIXTURE, FIXTURE_SHA256, build_fixture, have_cross_tools, sample
from tinyc.boards import get_board
from tinyc.build.cmake import compile_project, write_project
from tinyc.build.linker import linker_script
from tinyc.device import open_device
from tinyc.errors import TinycError

EMULATED = ["mps2-an386", "mps2-an500", "mps2-an505"]
needs_qemu = pytest.mark.skipif(not have_cross_tools(), reason="needs arm-none-eabi-gcc, QEMU")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    cache = {}

    def get(board_id, **kw):
        key = (board_id, tuple(sorted(kw.items())))
        if key not in cache:
            cache[key] = build_fixture(tmp_path_factory.mktemp(board_id), board_id, **kw)
        return cache[key]
    return get


def test_linker_script_follows_the_memory_map():
    text = linker_script(get_board("mps2-an386"), stack_bytes=8192)
    assert "FLASH (rx)  : ORIGIN = 0x00000000, LENGTH = 4194304" in text
    assert "RAM   (rwx) : ORIGIN = 0x20000000, LENGTH = 4194304" in text
    assert "__stack_bytes = 8192;" in text
    for sym in ("__data_load", "__bss_start", "__init_array_start", "__stack_top"):
        assert sym in text
    with pytest.raises(TinycError):
        linker_script(get_board("host"))


def test_project_is_self_contained(tmp_path):
    out = tmp_path / "p"
    src = tmp_path / "model.c"
    src.write_text(FIXTURE.read_text())
    write_project(out, get_board("mps2-an386"), [src], defines={"TINYC_FIXTURE_BOARD": '"x"'})
    names = {p.name for p in out.rglob("*") if p.is_file()}
    assert {"CMakeLists.txt", "arm-none-eabi.cmake", "board.ld", "harness.c", "protocol.c",
            "board_mps2.c", "startup.c", "board.h", "tinyc_model.h", "model.c"} <= names
    assert "board_host.c" not in names


@needs_qemu
@pytest.mark.parametrize("board_id", EMULATED)
@pytest.mark.qemu
def test_cross_build_sizes(builds, board_id):
    r = builds(board_id)
    assert r.elf.is_file()
    assert 1000 < r.text < 16384          # harness + protocol + fixture
    assert r.bss >= 2000                  # the fixture's arena
    assert r.ram_bytes == r.data + r.bss and r.flash_bytes == r.text + r.data


def test_compile_error_is_one_line(tmp_path):
    bad = tmp_path / "bad.c"
    bad.write_text("int f(void) { return undeclared_name; }\n")
    write_project(tmp_path / "p", get_board("host"), [bad])
    with pytest.raises(TinycError) as e:
        compile_project(tmp_path / "p", get_board("host"))
    assert "undeclared_name" in e.value.message and "build.log" in e.value.message


@pytest.mark.parametrize("sanitize", [False, True])
@pytest.mark.fast_first
def test_host_harness_round_trip(builds, sanitize):
    r = builds("host", sanitize=sanitize)
    with open_device(get_board("host"), elf=r.elf) as dev:
        info = dev.info()
        assert (info.backend, info.board, info.n_ops, info.arena_bytes) == ("fixture", "host", 3, 2000)
        assert info.counter_unit == "ns"
        dev.check_model(FIXTURE_SHA256)
        for seed in range(3):
            data, want = sample(seed)
            dev.set_input(0, data)
            assert dev.invoke() > 0
            assert dev.get_output(0) == want


@needs_qemu
@pytest.mark.parametrize("board_id", EMULATED)
@pytest.mark.qemu
def test_qemu_harness_is_exact_and_deterministic(builds, board_id):
    r = builds(board_id)
    with open_device(get_board(board_id), elf=r.elf) as dev:
        info = dev.info()
        assert info.board == board_id and info.counter_unit == "instructions"
        assert info.inputs[0].shape == (1, 1000) and info.inputs[0].zero_point == -3
        assert info.outputs[0].scale == 0.5
        dev.check_model(FIXTURE_SHA256)
        data, want = sample(7)
        dev.set_input(0, data)
        counts = [dev.invoke(), dev.invoke()]
        assert counts[0] == counts[1] > 1000
        assert dev.get_output(0) == want
        profiled = dev.invoke(profile=True)
        per_op = dev.profile()
        assert len(per_op) == 3 and all(c > 0 for c in per_op)
        assert abs(sum(per_op) - profiled) < 100      # the last counter read and return
        assert dev.invoke(profile=True) == profiled and dev.profile() == per_op
        # the fixture spins 128 instructions per unit of input[0]: counts are exact
        base = bytearray(data)
        base[0] = 0
        dev.set_input(0, bytes(base))
        c0 = dev.invoke()
        base[0] = 200
        dev.set_input(0, bytes(base))
        assert dev.invoke() - c0 == 128 * 200
    # a second boot counts the same
    with open_device(get_board(board_id), elf=r.elf) as dev:
        dev.set_input(0, data)
        assert dev.invoke() == counts[0]


@needs_qemu
@pytest.mark.qemu
def test_wrong_model_is_refused(builds):
    r = builds("mps2-an386")
    with open_device(get_board("mps2-an386"), elf=r.elf) as dev:
        with pytest.raises(TinycError, match="build and flash this model"):
            dev.check_model("00" * 32)


@needs_qemu
@pytest.mark.parametrize("exc", [TinycError("boom"), KeyboardInterrupt()])
@pytest.mark.qemu
def test_qemu_is_stopped_on_error_and_interrupt(builds, monkeypatch, exc):
    import tinyc.device.client as client
    started = []

    class Recording(client.Qemu):
        def start(self):
            super().start()
            started.append(self.proc.pid)
    monkeypatch.setattr(client, "Qemu", Recording)
    with pytest.raises(type(exc)):
        with open_device(get_board("mps2-an386"), elf=builds("mps2-an386").elf):
            raise exc
    assert len(started) == 1
    with pytest.raises(ProcessLookupError):
        os.killpg(started[0], 0)        # QEMU's whole process group is gone
