"""The board database: every file loads, the boards of the design are there, sizes are sane."""
import json

import pytest

from conftest import run_tinyc
from tinyc.boards import DEFAULT_BOARD, all_boards, get_board
from tinyc.errors import TinycError

REQUIRED = ["mps2-an386", "mps2-an500", "mps2-an505", "host", "nano33", "pico", "nucleo-f746zg",
            "nucleo-l4r5zi", "nucleo-h743zi", "disco-f746ng", "portenta-h7", "esp32-s3"]
# (RAM bytes, flash bytes) as PlatformIO's board definitions give them
SIZES = {"nano33": (262144, 983040), "pico": (270336, 2097152),
         "nucleo-f746zg": (327680, 1048576), "nucleo-l4r5zi": (655360, 2097152),
         "nucleo-h743zi": (524288, 2097152), "disco-f746ng": (327680, 1048576),
         "portenta-h7": (523624, 786432), "esp32-s3": (327680, 8388608)}
REAL = [b for b in all_boards() if not b.emulated and not b.is_host]


def test_required_boards_and_default():
    ids = [b.id for b in all_boards()]
    assert set(REQUIRED) <= set(ids)
    assert get_board(None).id == DEFAULT_BOARD == "mps2-an386"
    assert get_board("nano33ble").id == "nano33"
    assert get_board("NANO33BLE").id == "nano33"


def test_ids_and_aliases_are_unique():
    names = [n for b in all_boards() for n in (b.id, *b.aliases)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("board_id", sorted(SIZES))
def test_sizes_from_platformio(board_id):
    b = get_board(board_id)
    assert (b.ram_bytes, b.flash_bytes) == SIZES[board_id]
    assert 0 < b.reserve_ram_bytes < b.ram_bytes and 0 < b.reserve_flash_bytes < b.flash_bytes


@pytest.mark.parametrize("b", REAL, ids=lambda b: b.id)
def test_real_boards_have_what_build_and_flash_need(b):
    assert {"platform", "board", "framework"} <= set(b.platformio)
    assert b.platformio["framework"] in ("arduino", "stm32cube")
    assert b.uart["kind"] in ("arduino-serial", "stm32-usart")
    if b.uart["kind"] == "stm32-usart":
        assert b.uart["instance"] and b.uart["baud"] > 0
    assert b.counter["kind"] in ("dwt", "systick", "ccount", "none")
    assert {"flash_origin", "ram_origin"} <= set(b.memory)
    assert b.clock_hz > 0 and b.alignment in (4, 8, 16, 32)


@pytest.mark.parametrize("b", [b for b in all_boards() if b.core.startswith("cortex-m")],
                         ids=lambda b: b.id)
def test_cflags_match_core_and_fpu(b):
    assert f"-mcpu={b.core}" in b.cflags and "-mthumb" in b.cflags
    if b.fpu:
        assert f"-mfpu={b.fpu}" in b.cflags
        assert any(f in b.cflags for f in ("-mfloat-abi=hard", "-mfloat-abi=softfp"))
    else:
        assert not any(f.startswith("-mfpu") for f in b.cflags)
    if b.counter.get("kind") == "dwt":
        assert b.core in ("cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55")


def test_unknown_board_is_one_line():
    with pytest.raises(TinycError, match="unknown board 'nope'; known boards: "):
        get_board("nope")


def test_boards_command():
    r = run_tinyc("boards")
    assert r.returncode == 0, r.stderr
    assert all(i in r.stdout for i in REQUIRED)
    r = run_tinyc("boards", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert {row["id"] for row in rows} >= set(REQUIRED)
    assert [row["id"] for row in rows if row["default"]] == [DEFAULT_BOARD]
    nano = next(row for row in rows if row["id"] == "nano33")
    assert nano["flash_bytes"] == 983040 and "nano33ble" in nano["aliases"]
