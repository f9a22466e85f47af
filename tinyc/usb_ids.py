"""Which board a USB serial port looks like, from its USB vendor and product ids.

    guess_boards(vid, pid) -> list of board ids (empty when unknown)

A probe can only narrow it down: every ST-LINK looks the same whichever NUCLEO it sits on.
"""
from __future__ import annotations

# (vid, pid or None for any product of that vendor) -> board ids; most specific first.
USB_IDS: list[tuple[int, int | None, tuple[str, ...], str]] = [
    (0x2341, 0x805A, ("nano33",), "Arduino Nano 33 BLE (sketch)"),
    (0x2341, 0x005A, ("nano33",), "Arduino Nano 33 BLE (bootloader)"),
    (0x2341, 0x025B, ("portenta-h7",), "Arduino Portenta H7 (sketch)"),
    (0x2341, 0x035B, ("portenta-h7",), "Arduino Portenta H7 (bootloader)"),
    (0x2E8A, None, ("pico",), "Raspberry Pi RP2040"),
    (0x0483, 0x374B, ("nucleo-f746zg", "nucleo-l4r5zi", "disco-f746ng"), "ST-LINK/V2-1"),
    (0x0483, 0x374E, ("nucleo-h743zi",), "STLINK-V3"),
    (0x0483, 0x374F, ("nucleo-h743zi",), "STLINK-V3"),
    (0x0483, 0x3753, ("nucleo-h743zi",), "STLINK-V3"),
    (0x303A, None, ("esp32-s3",), "Espressif USB"),
    (0x10C4, 0xEA60, ("esp32-s3",), "CP210x USB-UART bridge"),
    (0x1A86, 0x55D4, ("esp32-s3",), "CH9102 USB-UART bridge"),
]


def guess_boards(vid: int | None, pid: int | None) -> tuple[tuple[str, ...], str]:
    if vid is None:
        return (), ""
    for v, p, boards, what in USB_IDS:
        if v == vid and (p is None or p == pid):
            return boards, what
    return (), ""
