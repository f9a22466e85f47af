#!/bin/sh
# MLPerf Tiny visual wake words (person / no person, 96x96 RGB): validate on the emulated board,
# bench, export for Arduino.   examples/person-detection/run.sh [OUT]   (VWW_SAMPLES=N, default 3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
models=${TINYC_MODELS:-$here/../../../shared/models}
exec sh "$here/../pretrained.sh" "$models/mlperf_tiny/vww_96_int8.tflite" person \
    "${VWW_SAMPLES:-3}" "${1:-$here/out}"
