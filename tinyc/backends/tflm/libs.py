"""Where a PlatformIO project gets TFLM from, per board family (framework, platform).

- Arduino framework (nano33 / nordicnrf52, portenta-h7, pico, esp32-s3): the Arduino library
  `Chirale_TensorFlowLite` by spaziochirale (github.com/spaziochirale/Chirale_TensorFlowLite),
  the maintained successor of the archived tensorflow/tflite-micro-arduino-examples;
  version 2.0.0 is the current release and the one pinned here.
- ESP-IDF (espressif32 without Arduino): Espressif's `espressif/esp-tflite-micro` component
  (ESP-IDF component registry, not a PlatformIO library): idf_component.yml, not lib_deps.
- stm32cube boards have no maintained PlatformIO TFLM library: build them with
  TINYC_TFLM_DIR (CMake) or add a TFLM tree to the project's lib/ folder.
"""
from __future__ import annotations

CHIRALE = "spaziochirale/Chirale_TensorFlowLite@2.0.0"
ESP_IDF_COMPONENT = "espressif/esp-tflite-micro"

_BY_FRAMEWORK = {"arduino": [CHIRALE]}


def lib_deps(board) -> list[str]:
    """PlatformIO `lib_deps` that bring TFLM for `board` ([] = none on the registry)."""
    fw = (board.platformio or {}).get("framework", "")
    return list(_BY_FRAMEWORK.get(fw, []))


def library_note(board) -> str:
    fw = (board.platformio or {}).get("framework", "")
    if fw == "arduino":
        return f"lib_deps = {CHIRALE}"
    if fw == "espidf":
        return f"ESP-IDF component {ESP_IDF_COMPONENT}"
    if board.platformio:
        return "no PlatformIO TFLM library for this framework: point TINYC_TFLM_DIR at a TFLM tree"
    return "CMake: TINYC_TFLM_DIR"
