#!/bin/sh
# Train -> quantize -> build for the Arduino Nano 33 BLE Sense -> validate on the emulated board.
#   examples/digits/run.sh [OUT]     (default: examples/digits/out; DIGITS_SAMPLES=N for fewer)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/out}
board=${DIGITS_BOARD:-mps2-an386}

python3 "$here/train.py" "$out" ${DIGITS_SAMPLES:+--test-samples "$DIGITS_SAMPLES"}
tinyc quantize "$out/digits.keras" --calibration "$out/calib.npy" -o "$out/digits_int8.tflite" \
    --force --eval "$out/test/x.npy" "$out/test/y.npy"
tinyc build "$out/digits_int8.tflite" --board nano33 -o "$out/nano33"
tinyc validate "$out/digits_int8.tflite" --board "$board" --data "$out/test/x.npy" \
    --labels "$out/test/y.npy" --float-model "$out/digits.keras" ${DIGITS_JSON:+--json}
