#!/bin/sh
# MLPerf Tiny keyword spotting (DS-CNN): validate on the emulated board, bench, export for Arduino.
#   examples/keyword-spotting/run.sh [OUT]     (KWS_SAMPLES=N inputs, default 20)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/out}
model=${TINYC_MODELS:-$here/../../../shared/models}/mlperf_tiny/kws_ref_model.tflite

python3 "$here/../synthetic_inputs.py" "$model" "$out/inputs" "${KWS_SAMPLES:-20}"
tinyc validate "$model" --board mps2-an386 --data "$out/inputs"
tinyc bench "$model" --board mps2-an386
tinyc export "$model:kws" --board nano33 --format arduino -o "$out/kws_arduino"
