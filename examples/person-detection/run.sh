#!/bin/sh
# MLPerf Tiny visual wake words (person / no person, 96x96 RGB): validate on the emulated board,
# bench, export for Arduino.   examples/person-detection/run.sh [OUT]   (VWW_SAMPLES=N, default 3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/out}
model=${TINYC_MODELS:-$here/../../../shared/models}/mlperf_tiny/vww_96_int8.tflite

python3 "$here/../synthetic_inputs.py" "$model" "$out/inputs" "${VWW_SAMPLES:-3}"
tinyc validate "$model" --board mps2-an386 --data "$out/inputs"
tinyc bench "$model" --board mps2-an386
tinyc export "$model:person" --board nano33 --format arduino -o "$out/person_arduino"
